package org.snplab.queue;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Which run and commit each job belongs to, for a module that keeps records per job and compares them across runs
 * (the results module's test history): it reads no job or run table itself. Each method is one query, whatever the
 * number of jobs asked about.
 */
@Service
public class JobCommits {

	private final JdbcClient db;

	JobCommits(JdbcClient db) {
		this.db = db;
	}

	/** @param finishedAt null while the job may still run */
	public record JobCommit(long jobId, long runId, String jobName, String commit, Instant finishedAt) {
	}

	/** These jobs' runs and commits, by job id; unknown ids left out. */
	public Map<Long, JobCommit> of(Collection<Long> jobIds) {
		long[] ids = jobIds.stream().filter(Objects::nonNull).mapToLong(Long::longValue).distinct().toArray();
		if (ids.length == 0) {
			return Map.of();
		}
		return db.sql("""
				select j.id, j.run_id, j.name, r.commit_sha, j.finished_at
				from job j join run r on r.id = j.run_id where j.id = any(?)""")
			.param(ids)
			.query((rs, i) -> {
				Timestamp finished = rs.getTimestamp(5);
				return new JobCommit(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
						finished == null ? null : finished.toInstant());
			})
			.list()
			.stream()
			.collect(Collectors.toMap(JobCommit::jobId, c -> c));
	}

	/** The commit the job's run tested; empty for an unknown job. */
	public Optional<String> commitOf(long jobId) {
		return db.sql("select r.commit_sha from job j join run r on r.id = j.run_id where j.id = ?")
			.param(jobId)
			.query(String.class)
			.optional();
	}

	/** Every job of every run of this commit (in any repository), the oldest first. */
	public List<Long> jobsOn(String commit) {
		return db.sql("select j.id from run r join job j on j.run_id = r.id where r.commit_sha = ? order by j.id")
			.param(commit)
			.query(Long.class)
			.list();
	}
}
