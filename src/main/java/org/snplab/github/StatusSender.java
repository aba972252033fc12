package org.snplab.github;

import org.snplab.AfterCommit;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.repositories.Repositories;
import org.snplab.repositories.Repository;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.task.TaskExecutor;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends the {@code github_status} outbox to GitHub, oldest first, one row at a time under
 * {@code FOR UPDATE SKIP LOCKED} so several server instances never send the same row. A failed send is retried
 * with exponential backoff (2 s doubling, at most 10 min); a status replaced by a newer one for the same commit and
 * context before it got through is skipped, so GitHub never ends on a stale state.
 */
@Component
class StatusSender {

	private static final Logger log = LoggerFactory.getLogger(StatusSender.class);

	private final JdbcClient db;

	private final TransactionTemplate transactions;

	private final GithubApi api;

	private final Repositories repositories;

	private final AfterCommit background;

	StatusSender(JdbcClient db, TransactionTemplate transactions, GithubApi api, Repositories repositories,
			@Qualifier("githubStatusesThread") TaskExecutor thread) {
		this.background = new AfterCommit(thread, this::drain);
		this.db = db;
		this.transactions = transactions;
		this.api = api;
		this.repositories = repositories;
	}

	void kickAfterCommit() {
		background.kick();
	}

	/** Sends every row that is due; returns how many were handled. */
	int drain() {
		int handled = 0;
		while (Boolean.TRUE.equals(transactions.execute(tx -> sendNext()))) {
			handled++;
		}
		return handled;
	}

	private boolean sendNext() {
		Optional<Row> next = db.sql("""
				select id, repository, sha, context, state, description, target_url, attempts from github_status
				where sent_at is null and next_attempt_at <= now() order by id limit 1 for update skip locked""")
			.query((rs, i) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
					rs.getString(6), rs.getString(7), rs.getInt(8)))
			.optional();
		if (next.isEmpty()) {
			return false;
		}
		Row row = next.get();
		boolean replaced = db.sql("select count(*) from github_status where repository = ? and sha = ? and context = ? and id > ?")
			.params(row.repository, row.sha, row.context, row.id)
			.query(Integer.class)
			.single() > 0;
		Optional<Repository> repository = repositories.find(row.repository);
		if (replaced || repository.isEmpty()) {
			finish(row.id, replaced ? "skipped: replaced by a newer status" : "skipped: repository no longer configured");
			return true;
		}
		Map<String, String> body = new LinkedHashMap<>();
		body.put("state", row.state);
		body.put("description", row.description);
		body.put("context", row.context);
		if (row.targetUrl != null) {
			body.put("target_url", row.targetUrl);
		}
		try {
			api.createStatus(repository.get(), row.sha, body);
			finish(row.id, "sent");
		}
		catch (IOException | RuntimeException ex) {
			long backoffSeconds = Math.min(600, 2L << Math.min(row.attempts, 10));
			log.warn("Commit status {} for {}@{} not sent (attempt {}), retrying in {} s: {}", row.context,
					row.repository, row.sha, row.attempts + 1, backoffSeconds, ex.getMessage());
			db.sql("""
					update github_status set attempts = attempts + 1, last_error = ?,
					  next_attempt_at = now() + make_interval(secs => ?) where id = ?""")
				.params(String.valueOf(ex.getMessage()), backoffSeconds, row.id)
				.update();
		}
		return true;
	}

	private void finish(long id, String outcome) {
		db.sql("update github_status set sent_at = now(), outcome = ? where id = ?").params(outcome, id).update();
	}

	private record Row(long id, String repository, String sha, String context, String state, String description,
			String targetUrl, int attempts) {
	}
}
