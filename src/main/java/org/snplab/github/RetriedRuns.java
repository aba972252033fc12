package org.snplab.github;

import org.snplab.queue.RunRetried;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A retry of a run that came from GitHub is about the same branch or pull request and head: it gets a copy of the
 * original's {@code github_run} row, so its jobs post commit statuses (and supersede, approve, /cancel) like it.
 */
@Component
class RetriedRuns {

	private final JdbcClient db;

	private final StatusOutbox statuses;

	RetriedRuns(JdbcClient db, StatusOutbox statuses) {
		this.db = db;
		this.statuses = statuses;
	}

	/** Runs in the retry's transaction; its jobs' JobChanged events came before this row, so write their statuses. */
	@EventListener
	void on(RunRetried event) {
		int copied = db.sql("""
				insert into github_run (run_id, repository, event, branch, tag, pull_request, author, title,
				  head_repository, head_sha, approved)
				select ?, repository, event, branch, tag, pull_request, author, title, head_repository, head_sha, approved
				from github_run where run_id = ?""")
			.params(event.runId(), event.retryOf())
			.update();
		if (copied > 0) {
			statuses.writeRun(event.runId());
		}
	}
}
