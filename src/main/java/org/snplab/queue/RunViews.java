package org.snplab.queue;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.snplab.RequestException;
import org.snplab.git.CloneUrls;
import org.snplab.hosts.Host;
import org.snplab.hosts.HostRegistry;
import org.snplab.pipeline.Requirements;
import org.snplab.scheduler.Capacities;
import org.snplab.scheduler.Resources;
import org.snplab.scheduler.SchedulerProperties;
import org.snplab.scheduler.WaitingReasons;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** Read side of runs and jobs, for the JSON API and the dashboard. */
@Service
public class RunViews {

	private static final String JOB_COLUMNS = """
			j.id, j.run_id, j.name, case j.state when 'finished' then j.result when 'assigned' then 'queued' else j.state end,
			j.reason, h.name,
			j.attempt, j.max_attempts, j.priority, j.requires_id, j.queued_at, j.started_at, j.finished_at, j.exit_code,
			j.cancel_requested, j.memory_mb, j.cpus""";

	private final JdbcClient db;

	private final RequirementSets requirementSets;

	private final HostRegistry hosts;

	private final SchedulerProperties scheduler;

	RunViews(JdbcClient db, RequirementSets requirementSets, HostRegistry hosts, SchedulerProperties scheduler) {
		this.scheduler = scheduler;
		this.db = db;
		this.requirementSets = requirementSets;
		this.hosts = hosts;
	}

	/** @param retryOf for a retry of failed jobs, the run they failed in */
	public record RunView(long id, String repository, String ref, String commit, String trigger, String state,
			String error, Instant createdAt, Instant startedAt, Instant finishedAt, Long retryOf, List<JobView> jobs) {

		/** The clone URL's credentials (and any an error quotes) are the agents', never shown. */
		public RunView {
			repository = CloneUrls.redact(repository);
			error = CloneUrls.redact(error);
		}
	}

	/**
	 * @param state queued, running, passed, failed, timed_out, canceled or infra_error
	 * @param waiting for a queued job, why it waits (e.g. no enabled host can ever match it)
	 */
	public record JobView(long id, long runId, String name, String state, String reason, String host, int attempt,
			int maxAttempts, int priority, String requires, String waiting, Instant queuedAt, Instant startedAt,
			Instant finishedAt, Integer exitCode, boolean cancelRequested, List<AttemptView> attempts) {

		public JobView {
			reason = CloneUrls.redact(reason);
		}
	}

	public record AttemptView(int attempt, String host, String result, String reason, Integer exitCode,
			Instant startedAt, Instant finishedAt) {
	}

	public RunView run(long id) {
		return db.sql("""
				select id, repository, ref, commit_sha, trigger, state, error, created_at, started_at, finished_at,
				  retry_of
				from run where id = ?""")
			.param(id)
			.query((rs, i) -> new RunView(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
					rs.getString(5), rs.getString(6), rs.getString(7), instant(rs, 8), instant(rs, 9), instant(rs, 10),
					(Long) rs.getObject(11), jobsOfRun(id)))
			.optional()
			.orElseThrow(() -> RequestException.notFound("no run with id " + id));
	}

	public JobView job(long id) {
		return db.sql("select " + JOB_COLUMNS + " from job j left join host h on h.id = j.host_id where j.id = ?")
			.param(id)
			.query((rs, i) -> mapJob(rs, attempts(id)))
			.optional()
			.orElseThrow(() -> RequestException.notFound("no job with id " + id));
	}

	public List<JobView> jobsOfRun(long runId) {
		return db.sql("select " + JOB_COLUMNS + " from job j left join host h on h.id = j.host_id where j.run_id = ? order by j.id")
			.param(runId)
			.query((rs, i) -> mapJob(rs, List.of()))
			.list();
	}

	/** The newest attempt number of a job, to read its log by default. */
	public int currentAttempt(long jobId) {
		return db.sql("select attempt from job where id = ?")
			.param(jobId)
			.query(Integer.class)
			.optional()
			.orElseThrow(() -> RequestException.notFound("no job with id " + jobId));
	}

	private List<AttemptView> attempts(long jobId) {
		return db.sql("""
				select a.attempt, h.name, a.result, a.reason, a.exit_code, a.started_at, a.finished_at
				from job_attempt a left join host h on h.id = a.host_id where a.job_id = ? order by a.attempt""")
			.param(jobId)
			.query((rs, i) -> new AttemptView(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4),
					(Integer) rs.getObject(5), instant(rs, 6), instant(rs, 7)))
			.list();
	}

	private JobView mapJob(ResultSet rs, List<AttemptView> attempts) throws SQLException {
		String state = rs.getString(4);
		Requirements requires = requirementSets.get(rs.getLong(10));
		Resources needs = new Resources(rs.getLong(16), rs.getInt(17));
		String waiting = "queued".equals(state) && rs.getString(6) == null ? whyWaiting(requires, needs).orElse(null) : null;
		return new JobView(rs.getLong(1), rs.getLong(2), rs.getString(3), state, rs.getString(5), rs.getString(6),
				rs.getInt(7), rs.getInt(8), rs.getInt(9), requires.describe(), waiting, instant(rs, 11), instant(rs, 12),
				instant(rs, 13), (Integer) rs.getObject(14), rs.getBoolean(15), attempts);
	}

	/**
	 * Says so when no enabled host can ever run the job, naming what's missing, or what it waits for (memory, cpus
	 * or a slot on the hosts it matches), instead of waiting silently.
	 */
	Optional<String> whyWaiting(Requirements requires, Resources needs) {
		List<Host> enabled = hosts.findAll().stream().filter(Host::enabled).toList();
		if (enabled.isEmpty()) {
			return Optional.of("no matching host: no host is enabled");
		}
		List<Host> matching = enabled.stream().filter(h -> requires.matches(h.facts(), h.labels())).toList();
		if (matching.isEmpty()) {
			Host closest = enabled.get(0);
			String mismatch = requires.mismatch(closest.facts(), closest.labels()).orElse("");
			return Optional.of("no matching host: " + mismatch + " (on " + closest.name() + "; " + enabled.size()
					+ " enabled host(s), none matches " + requires.describe() + ")");
		}
		if (matching.stream().noneMatch(Host::takesWork)) {
			return Optional.of("waiting: every matching host is draining, in maintenance or quarantined");
		}
		List<Host> working = matching.stream().filter(Host::takesWork).toList();
		Map<Long, Resources> inUse = new HashMap<>();
		Map<Long, Integer> jobs = new HashMap<>();
		db.sql("""
				select host_id, sum(memory_mb), sum(cpus), count(*) from job
				where state in ('assigned', 'running') and host_id = any(?) group by host_id""")
			.param(working.stream().mapToLong(Host::id).toArray())
			.query((rs, i) -> {
				inUse.put(rs.getLong(1), new Resources(rs.getLong(2), rs.getInt(3)));
				return jobs.put(rs.getLong(1), rs.getInt(4));
			})
			.list();
		List<WaitingReasons.Load> loads = working.stream()
			.map(h -> new WaitingReasons.Load(h.name(), Capacities.of(h.facts(), scheduler.hostReserve().memoryMb()),
					inUse.getOrDefault(h.id(), Resources.NONE), h.slots(), jobs.getOrDefault(h.id(), 0)))
			.toList();
		return Optional.of(WaitingReasons.of(needs, loads)
			.orElse("waiting for its turn: " + working.size() + " matching host(s) have room"));
	}

	private static Instant instant(ResultSet rs, int column) throws SQLException {
		Timestamp timestamp = rs.getTimestamp(column);
		return timestamp == null ? null : timestamp.toInstant();
	}
}
