package org.snplab.github;

import java.util.List;

import org.snplab.SnplabProperties;
import org.snplab.queue.JobChanged;
import org.snplab.queue.RunViews;
import org.snplab.queue.RunViews.JobView;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Writes commit statuses to the {@code github_status} outbox in the transaction that changed the job, so a status
 * is never lost between a job change and GitHub (outage, restart); {@link StatusSender} sends them afterwards.
 */
@Component
class StatusOutbox {

	/** GitHub refuses longer descriptions. */
	static final int MAX_DESCRIPTION = 140;

	private final JdbcClient db;

	private final RunViews views;

	private final SnplabProperties properties;

	private final StatusSender sender;

	StatusOutbox(JdbcClient db, RunViews views, SnplabProperties properties, StatusSender sender) {
		this.db = db;
		this.views = views;
		this.properties = properties;
		this.sender = sender;
	}

	/** Only runs with a {@code github_run} row (from a configured repository) report; others are ignored. */
	@EventListener
	void on(JobChanged event) {
		List<String[]> target = db.sql("select repository, head_sha from github_run where run_id = ?")
			.param(event.runId())
			.query((rs, i) -> new String[] { rs.getString(1), rs.getString(2) })
			.list();
		if (!target.isEmpty()) {
			writeJob(target.get(0)[0], target.get(0)[1], views.job(event.jobId()));
		}
	}

	/** The current status of every job of a run just recorded (its JobChanged events came before its github_run). */
	void writeRun(String repository, String sha, long runId) {
		views.jobsOfRun(runId).forEach(job -> writeJob(repository, sha, job));
	}

	void write(String repository, String sha, String context, String state, String description, String targetUrl) {
		String text = description.length() <= MAX_DESCRIPTION ? description
				: description.substring(0, MAX_DESCRIPTION - 1) + "…";
		db.sql("""
				insert into github_status (repository, sha, context, state, description, target_url)
				values (?, ?, ?, ?, ?, ?)""")
			.params(repository, sha, context, state, text, targetUrl)
			.update();
		sender.kickAfterCommit();
	}

	String runUrl(long runId) {
		return properties.baseUrl().replaceAll("/+$", "") + "/runs/" + runId;
	}

	private void writeJob(String repository, String sha, JobView job) {
		String[] status = statusOf(job);
		write(repository, sha, "snplab/" + job.name(), status[0], status[1],
				properties.baseUrl().replaceAll("/+$", "") + "/jobs/" + job.id());
	}

	/** GitHub's state and a description that says why. */
	static String[] statusOf(JobView job) {
		String reason = job.reason() == null || job.reason().isBlank() ? "" : ": " + job.reason();
		return switch (job.state()) {
			case "held" -> new String[] { "pending", "waiting for approval" };
			case "queued" -> new String[] { "pending",
					job.waiting() != null && job.waiting().startsWith("no matching host") ? job.waiting() : "queued" };
			case "running" -> new String[] { "pending", "running" + (job.host() == null ? "" : " on " + job.host()) };
			case "passed" -> new String[] { "success", "passed" };
			case "failed" -> new String[] { "failure", "failed" + reason };
			default -> new String[] { "error", job.state().replace('_', ' ') + reason };
		};
	}
}
