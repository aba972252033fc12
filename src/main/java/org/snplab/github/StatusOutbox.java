package org.snplab.github;

import java.util.Optional;

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
		target(event.runId()).ifPresent(target -> writeJob(target, views.job(event.jobId())));
	}

	/**
	 * The current status of every job of a run whose {@code github_run} row was just recorded (its JobChanged events
	 * came before that row).
	 */
	void writeRun(long runId) {
		target(runId).ifPresent(target -> views.jobsOfRun(runId).forEach(job -> writeJob(target, job)));
	}

	/**
	 * The commit status context of a job: {@code snplab/<job>}, or {@code snplab/schedule/<job>} for a scheduled
	 * run, so a nightly run never overwrites the status the push of that same commit left.
	 */
	static String context(String event, String jobName) {
		return "schedule".equals(event) ? "snplab/schedule/" + jobName : "snplab/" + jobName;
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

	private Optional<Target> target(long runId) {
		return db.sql("select repository, head_sha, event from github_run where run_id = ?")
			.param(runId)
			.query((rs, i) -> new Target(rs.getString(1), rs.getString(2), rs.getString(3)))
			.optional();
	}

	private void writeJob(Target target, JobView job) {
		String[] status = statusOf(job);
		write(target.repository, target.sha, context(target.event, job.name()), status[0], status[1],
				properties.baseUrl().replaceAll("/+$", "") + "/jobs/" + job.id());
	}

	/** GitHub's state and a description that says why. */
	static String[] statusOf(JobView job) {
		String reason = job.reason() == null || job.reason().isBlank() ? "" : ": " + job.reason();
		return switch (job.lifecycle()) {
			case HELD -> new String[] { "pending", "waiting for approval" };
			case QUEUED, ASSIGNED -> new String[] { "pending",
					job.waiting() != null && job.waiting().startsWith("no matching host") ? job.waiting() : "queued" };
			case RUNNING -> new String[] { "pending", "running" + (job.host() == null ? "" : " on " + job.host()) };
			case FINISHED -> switch (job.result()) {
				case PASSED -> new String[] { "success", "passed" };
				case FAILED -> new String[] { "failure", "failed" + reason };
				case TIMED_OUT, CANCELED, INFRA_ERROR -> new String[] { "error", job.result().value().replace('_', ' ') + reason };
			};
		};
	}

	/** Where a run's statuses go: the repository, the commit, and the GitHub event that started the run. */
	private record Target(String repository, String sha, String event) {
	}
}
