package org.snplab.queue;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.snplab.hosts.HostJobs;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The jobs on each host, from the queue's tables: what the hosts module learns of them ({@link HostJobs}; it reads
 * none of them itself), and what the hosts pages show (current jobs, the last 24 hours, the history).
 */
@Component
public class JobsOnHosts implements HostJobs {

	private final JdbcClient db;

	JobsOnHosts(JdbcClient db) {
		this.db = db;
	}

	@Override
	public int active(long hostId) {
		return db.sql("select count(*) from job where host_id = ? and state in ('assigned', 'running')")
			.param(hostId)
			.query(Integer.class)
			.single();
	}

	@Override
	public boolean lostAttemptSince(long hostId, Instant since) {
		return db.sql("select exists (select 1 from job_attempt where host_id = ? and result = 'infra_error' and finished_at >= ?)")
			.params(hostId, Timestamp.from(since))
			.query(Boolean.class)
			.single();
	}

	@Override
	public List<FinishedAttempt> lastFinished(long hostId, Instant since, int limit) {
		return db.sql("""
				select a.result = 'infra_error', 'job ' || a.job_id || ' attempt ' || a.attempt || coalesce(': ' || a.reason, '')
				from job_attempt a
				where a.host_id = ? and a.result <> 'canceled' and a.finished_at >= ?
				order by a.finished_at desc, a.job_id desc limit ?""")
			.params(hostId, Timestamp.from(since), limit)
			.query((rs, i) -> new FinishedAttempt(rs.getBoolean(1), rs.getString(2)))
			.list();
	}

	/** One job as the hosts pages list it; {@code state} is its result once finished. */
	public record Job(long id, long hostId, long runId, String name, String state, int attempt, Instant startedAt,
			Instant finishedAt) {
	}

	/** @param busySeconds slot time its jobs took in the last 24 hours */
	public record Usage(long jobs, double busySeconds) {
	}

	/** Per host that ran a job in the last 24 hours (or runs one now): how many, and for how long. */
	public Map<Long, Usage> usageOfLastDay() {
		return db.sql("""
				select host_id, count(*), coalesce(sum(extract(epoch from coalesce(finished_at, now())
				       - greatest(started_at, now() - interval '24 hours'))), 0)
				from job where host_id is not null and started_at is not null
				  and (finished_at > now() - interval '24 hours' or state = 'running')
				group by host_id""")
			.query((rs, i) -> Map.entry(rs.getLong(1), new Usage(rs.getLong(2), rs.getDouble(3))))
			.list()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
	}

	/** The jobs running now, on every host. */
	public List<Job> running() {
		return jobs("j.state = 'running'", List.of());
	}

	/** The host's jobs, newest first, 50 at a time before job id {@code before} (null: the newest). */
	public List<Job> history(long hostId, Long before) {
		return jobs("j.host_id = ? and j.id < ? order by j.id desc limit 50", List.of(hostId, before == null ? Long.MAX_VALUE : before));
	}

	private List<Job> jobs(String condition, List<Object> params) {
		return db.sql("""
				select j.id, coalesce(j.host_id, 0), j.run_id, j.name, case when j.state = 'finished' then j.result else j.state end,
				       j.attempt, j.started_at, j.finished_at
				from job j where\s""" + condition)
			.params(params)
			.query((rs, i) -> new Job(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5),
					rs.getInt(6), rs.getTimestamp(7) == null ? null : rs.getTimestamp(7).toInstant(),
					rs.getTimestamp(8) == null ? null : rs.getTimestamp(8).toInstant()))
			.list();
	}
}
