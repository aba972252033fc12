package org.snplab.github;

import java.util.Optional;

import org.snplab.queue.RunAuthors;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Who and what started the runs that came from GitHub, for the run page, and whom a failed job's host is held for
 * ({@link RunAuthors}).
 */
@Service
public class GithubOrigins implements RunAuthors {

	private final JdbcClient db;

	GithubOrigins(JdbcClient db) {
		this.db = db;
	}

	/** Who and what started a run that came from GitHub: the pusher or pull request author, the PR and its title. */
	public record GithubOrigin(String event, String author, Integer pullRequest, String title, String headRepository) {
	}

	/** Empty for a run that didn't come from GitHub. */
	public Optional<GithubOrigin> of(long runId) {
		return db.sql("select event, author, pull_request, title, head_repository from github_run where run_id = ?")
			.param(runId)
			.query((rs, i) -> new GithubOrigin(rs.getString(1), rs.getString(2), (Integer) rs.getObject(3),
					rs.getString(4), rs.getString(5)))
			.optional();
	}

	/** The pull request's author or the pusher. */
	@Override
	public Optional<String> authorOf(long runId) {
		return db.sql("select author from github_run where run_id = ?")
			.param(runId)
			.query((rs, i) -> Optional.ofNullable(rs.getString(1)))
			.optional()
			.flatMap(author -> author);
	}
}
