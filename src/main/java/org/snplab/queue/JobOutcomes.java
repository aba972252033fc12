package org.snplab.queue;

import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Where some jobs stand, for a module that keeps its own record of them (the health module's checks): whether they
 * may still run, and how they ended. It reads no job table itself. Each method is one query by the jobs' ids.
 */
@Service
public class JobOutcomes {

	private final JdbcClient db;

	JobOutcomes(JdbcClient db) {
		this.db = db;
	}

	/** How a job ended: its result, and the reason snplab or its agent gave (null if none). */
	public record Ended(long jobId, JobResult result, String reason) {
	}

	/** The ones among these jobs that may still run: held, queued, assigned or running. Unknown ids are left out. */
	public Set<Long> unfinished(Collection<Long> jobIds) {
		long[] ids = jobIds.stream().filter(Objects::nonNull).mapToLong(Long::longValue).distinct().toArray();
		if (ids.length == 0) {
			return Set.of();
		}
		return new HashSet<>(db.sql("select id from job where id = any(?) and state <> 'finished'")
			.param(ids)
			.query(Long.class)
			.list());
	}

	/** How the job ended; empty while it may still run, or for an unknown job. */
	public Optional<Ended> ended(long jobId) {
		return db.sql("select result, reason from job where id = ? and state = 'finished'")
			.param(jobId)
			.query((rs, i) -> new Ended(jobId, JobResult.of(rs.getString(1)), rs.getString(2)))
			.optional();
	}
}
