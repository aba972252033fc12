package org.snplab.queue;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.snplab.git.CloneUrls;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The runs list, with each run's job counts. Keyset pagination on id (newest first) and one index per filter keep every page as cheap as
 * the first, however many runs there are.
 */
@Service
public class RunList {

	private final JdbcClient db;

	RunList(JdbcClient db) {
		this.db = db;
	}

	public record RunRow(long id, String repository, String ref, String commit, String trigger, String state,
			Instant createdAt, Instant startedAt, Instant finishedAt, int jobs, int passed, int failed, int active) {

		/** The clone URL's credentials are the agents', never shown. */
		public RunRow {
			repository = CloneUrls.redact(repository);
		}
	}

	/** Blank values match everything. */
	public record RunFilter(String repository, String ref, String state, String trigger) {
	}

	public List<RunRow> list(RunFilter filter, Long before, int limit) {
		StringBuilder where = new StringBuilder("true");
		List<Object> params = new ArrayList<>();
		add(where, params, "r.repository", filter.repository());
		add(where, params, "r.ref", filter.ref());
		add(where, params, "r.state", filter.state());
		add(where, params, "r.trigger", filter.trigger());
		if (before != null) {
			where.append(" and r.id < ?");
			params.add(before);
		}
		params.add(limit);
		return db.sql("""
				select r.id, r.repository, r.ref, r.commit_sha, r.trigger, r.state, r.created_at, r.started_at,
				       r.finished_at, c.jobs, c.passed, c.failed, c.active
				from run r cross join lateral (
				  select count(*) jobs, count(*) filter (where j.result = 'passed') passed,
				         count(*) filter (where j.result in ('failed', 'timed_out', 'infra_error')) failed,
				         count(*) filter (where j.state <> 'finished') active
				  from job j where j.run_id = r.id) c
				where %s order by r.id desc limit ?""".formatted(where))
			.params(params)
			.query(RunList::map)
			.list();
	}

	public List<RunRow> recent(int limit) {
		return list(new RunFilter(null, null, null, null), null, limit);
	}

	private static void add(StringBuilder where, List<Object> params, String column, String value) {
		if (value != null && !value.isBlank()) {
			where.append(" and ").append(column).append(" = ?");
			params.add(value.strip());
		}
	}

	private static RunRow map(ResultSet rs, int i) throws SQLException {
		return new RunRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
				rs.getString(6), instant(rs, 7), instant(rs, 8), instant(rs, 9), rs.getInt(10), rs.getInt(11),
				rs.getInt(12), rs.getInt(13));
	}

	private static Instant instant(ResultSet rs, int column) throws SQLException {
		java.sql.Timestamp t = rs.getTimestamp(column);
		return t == null ? null : t.toInstant();
	}
}
