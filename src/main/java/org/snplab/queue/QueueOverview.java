package org.snplab.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.snplab.pipeline.Requirements;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The queue as the overview shows it: queued jobs per capability class (requirement set), the first of them in claim
 * order with their place in their class, what runs now, and how long a class's jobs take. All reads go through
 * partial indexes on queued and running jobs, so their cost follows the queue's size, not the history's.
 */
@Service
public class QueueOverview {

	/** Averages move only as jobs finish, so a few seconds old is as good as fresh. */
	private static final Duration FRESH = Duration.ofSeconds(5);

	private final JdbcClient db;

	/** Per class; Optional, as a class without a finished job has no average (and Caffeine keeps no null). */
	private final Cache<Long, Optional<Double>> averages = Caffeine.newBuilder()
		.expireAfterWrite(FRESH)
		.maximumSize(10_000)
		.build();

	QueueOverview(JdbcClient db) {
		this.db = db;
	}

	/** Queued jobs of one capability class. */
	public record QueuedClass(long requiresId, Requirements requires, int queued) {
	}

	/** @param ahead queued jobs of the same class the claim order puts first (priority desc, then id) */
	public record QueuedJob(long jobId, long runId, String name, String repository, String ref, int priority,
			long requiresId, int ahead, Instant queuedAt) {
	}

	/** @param hostId null if its host is unknown */
	public record RunningJob(long jobId, long runId, String name, Long hostId, int attempt, Instant startedAt) {
	}

	/** Running jobs per host. */
	public Map<Long, Integer> runningPerHost() {
		return db.sql("select host_id, count(*) from job where state = 'running' group by host_id")
			.query((rs, i) -> Map.entry(rs.getLong(1), rs.getInt(2)))
			.list()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
	}

	/** The classes with queued jobs, the most queued first. */
	public List<QueuedClass> queuedByClass() {
		return db.sql("""
				select j.requires_id, r.canonical, count(*) from job j join requirement_set r on r.id = j.requires_id
				where j.state = 'queued' group by j.requires_id, r.canonical order by count(*) desc""")
			.query((rs, i) -> new QueuedClass(rs.getLong(1), Requirements.fromJson(rs.getString(2)), rs.getInt(3)))
			.list();
	}

	/** The first {@code limit} queued jobs in claim order; positions count the whole queue. */
	public List<QueuedJob> firstQueued(int limit) {
		return db.sql("""
				select q.id, q.run_id, q.name, run.repository, run.ref, q.priority, q.requires_id, q.ahead, q.queued_at
				from (select id, run_id, name, priority, requires_id, queued_at,
				             row_number() over (partition by requires_id order by priority desc, id) - 1 ahead
				      from job where state = 'queued' order by priority desc, id limit ?) q
				join run on run.id = q.run_id
				order by q.priority desc, q.id""")
			.param(limit)
			.query((rs, i) -> new QueuedJob(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
					rs.getString(5), rs.getInt(6), rs.getLong(7), rs.getInt(8), rs.getTimestamp(9).toInstant()))
			.list();
	}

	/** The jobs running now, the longest running first. */
	public List<RunningJob> running() {
		return db.sql("""
				select j.id, j.run_id, j.name, j.host_id, j.attempt, j.started_at from job j
				where j.state = 'running' order by j.started_at""")
			.query((rs, i) -> new RunningJob(rs.getLong(1), rs.getLong(2), rs.getString(3), (Long) rs.getObject(4),
					rs.getInt(5), rs.getTimestamp(6) == null ? null : rs.getTimestamp(6).toInstant()))
			.list();
	}

	/** @return seconds, averaged over the last 20 finished jobs of the class; null before the first */
	public Double averageSeconds(long requiresId) {
		return averages.get(requiresId, this::readAverage).orElse(null);
	}

	private Optional<Double> readAverage(long requiresId) {
		return db.sql("""
				select avg(extract(epoch from finished_at - started_at)) from (
				  select finished_at, started_at from job
				  where requires_id = ? and state = 'finished' and result in ('passed', 'failed') and started_at is not null
				  order by finished_at desc limit 20) recent""")
			.param(requiresId)
			.query(Double.class)
			.optional();
	}
}
