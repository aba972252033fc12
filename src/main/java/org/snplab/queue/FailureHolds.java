package org.snplab.queue;

import java.time.Duration;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.StoredText;
import org.snplab.hosts.Host;
import org.snplab.hosts.HostReservations;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * {@code hold-on-failure: 30m}: when such a job fails or times out, its host is reserved that long for whoever
 * triggered the run (the API user, the pull request's author or the pusher, {@link RunAuthors}; {@code snplab} when
 * nobody is known, e.g. a scheduled run), so they can inspect the failure on the machine. The agent keeps the
 * workspace meanwhile: a reserved host gets no new job, and only a new job on a slot cleans the slot's old workspace.
 */
@Component
class FailureHolds {

	private static final Logger log = LoggerFactory.getLogger(FailureHolds.class);

	/** Who a hold is for when the run names nobody. */
	static final String NOBODY = "snplab";

	private final JdbcClient db;

	private final JsonMapper json;

	private final HostReservations reservations;

	private final RunAuthors authors;

	FailureHolds(JdbcClient db, JsonMapper json, HostReservations reservations, RunAuthors authors) {
		this.db = db;
		this.authors = authors;
		this.json = json;
		this.reservations = reservations;
	}

	/** Records where the attempt ran, and holds its host if the job failed and asks for it. In the finish's transaction. */
	void attemptEnded(long jobId, int attempt, Host host, JobResult result, String workspace) {
		if (workspace != null && !workspace.isBlank()) {
			db.sql("update job_attempt set workspace = ? where job_id = ? and attempt = ?")
				.params(StoredText.of(workspace), jobId, attempt)
				.update();
		}
		if (result != JobResult.FAILED && result != JobResult.TIMED_OUT) {
			return;
		}
		record Failed(String name, String spec, long runId, String requestedBy, String author) {
		}
		Failed job = db.sql("""
				select j.name, j.spec::text, r.id, r.requested_by, r.author
				from job j join run r on r.id = j.run_id where j.id = ?""")
			.param(jobId)
			.query((rs, i) -> new Failed(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5)))
			.single();
		Long seconds = json.readValue(job.spec(), JobSpecJson.class).holdOnFailureSeconds();
		if (seconds == null) {
			return;
		}
		String by = Optional.ofNullable(job.requestedBy())
			.or(() -> authors.authorOf(job.runId()))
			.or(() -> Optional.ofNullable(job.author()))
			.orElse(NOBODY);
		if (reservations.holdForFailedJob(host.id(), by, Duration.ofSeconds(seconds), jobId, job.name())) {
			log.info("Host {} held for {} for {}s: job {} ({}) failed", host.name(), by, seconds, jobId, job.name());
		}
	}
}
