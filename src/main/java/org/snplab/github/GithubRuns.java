package org.snplab.github;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.snplab.queue.RunState;
import org.snplab.queue.RunViews;
import org.snplab.repositories.Repository;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The {@code github_run} and {@code github_head} tables: which runs came from which branch or pull request. A run's
 * state is the queue's: it asks {@link RunViews} which runs are unfinished (or held) and narrows them to its own.
 */
@Component
class GithubRuns {

	private static final Set<RunState> UNFINISHED = EnumSet.of(RunState.WAITING, RunState.QUEUED, RunState.RUNNING);

	private final JdbcClient db;

	private final RunViews runs;

	GithubRuns(JdbcClient db, RunViews runs) {
		this.db = db;
		this.runs = runs;
	}

	void insert(long runId, Head head) {
		db.sql("""
				insert into github_run (run_id, repository, event, branch, tag, pull_request, author, title,
				  head_repository, head_sha) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
			.params(runId, head.repository().name(), head.event(), head.branch(), head.tag(), head.pullRequest(),
					head.author(), head.title(), head.headRepository(), head.sha())
			.update();
	}

	/** Unfinished runs of the same branch push (not tags) or pull request as this head, other than its own sha's. */
	List<Long> olderUnfinished(Head head) {
		String which = head.pullRequest() != null ? "g.pull_request = ?" : "g.pull_request is null and g.tag is null and g.branch = ?";
		Object key = head.pullRequest() != null ? head.pullRequest() : head.branch();
		long[] unfinished = ids(runs.runsIn(UNFINISHED));
		if (unfinished.length == 0) {
			return List.of();
		}
		return db.sql("select g.run_id from github_run g where g.repository = ? and " + which
				+ " and g.head_sha <> ? and g.run_id = any(?) order by g.run_id")
			.params(head.repository().name(), key, head.sha(), unfinished)
			.query(Long.class)
			.list();
	}

	List<Long> unfinishedOfPull(String repository, int number) {
		return runsOfPull(repository, number, UNFINISHED);
	}

	List<Long> heldOfPull(String repository, int number) {
		return runsOfPull(repository, number, EnumSet.of(RunState.WAITING));
	}

	private List<Long> runsOfPull(String repository, int number, Set<RunState> states) {
		long[] inStates = ids(runs.runsIn(states));
		if (inStates.length == 0) {
			return List.of();
		}
		return db.sql("select run_id from github_run where repository = ? and pull_request = ? and run_id = any(?) "
				+ "order by run_id")
			.params(repository, number, inStates)
			.query(Long.class)
			.list();
	}

	private static long[] ids(List<Long> runIds) {
		return runIds.stream().mapToLong(Long::longValue).toArray();
	}

	void markApproved(long runId) {
		db.sql("update github_run set approved = true where run_id = ?").param(runId).update();
	}

	boolean anyApproved(String repository, int number) {
		return db.sql("select count(*) from github_run where repository = ? and pull_request = ? and approved")
			.params(repository, number)
			.query(Integer.class)
			.single() > 0;
	}

	/** The newest run of a pull request, e.g. to retry its failed jobs. */
	Optional<Long> latestRunOfPull(String repository, int number) {
		return db.sql("select run_id from github_run where repository = ? and pull_request = ? order by run_id desc limit 1")
			.params(repository, number)
			.query(Long.class)
			.optional();
	}

	/** The newest run's head of a pull request, or of a commit, to run it again. */
	Optional<Head> latestOfPull(Repository repository, int number) {
		return latest(repository, "pull_request = ?", number);
	}

	Optional<Head> latestOfSha(Repository repository, String sha) {
		return latest(repository, "head_sha = ?", sha);
	}

	private Optional<Head> latest(Repository repository, String which, Object key) {
		return db.sql("select event, head_sha, branch, tag, pull_request, author, title, head_repository "
				+ "from github_run where repository = ? and " + which + " order by run_id desc limit 1")
			.params(repository.name(), key)
			.query((rs, i) -> {
				Integer pull = (Integer) rs.getObject(5);
				String fetchRef = pull != null ? "refs/pull/" + pull + "/head" : rs.getString(2);
				return new Head(repository, rs.getString(1), rs.getString(2), fetchRef, rs.getString(3),
						rs.getString(4), pull, false, rs.getString(6), rs.getString(7), rs.getString(8), false);
			})
			.optional();
	}

	/** Records that this head was handled; false if it already was. */
	boolean markSeen(String repository, String sha) {
		return db.sql("insert into github_head (repository, sha) values (?, ?) on conflict do nothing")
			.params(repository, sha)
			.update() > 0;
	}

	boolean seen(String repository, String sha) {
		return db.sql("select count(*) from github_head where repository = ? and sha = ?")
			.params(repository, sha)
			.query(Integer.class)
			.single() > 0;
	}
}
