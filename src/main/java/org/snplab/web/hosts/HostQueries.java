package org.snplab.web.hosts;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.snplab.hosts.Host;
import org.snplab.hosts.HostRegistry;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** Hosts with what they do: current jobs, the last 24 hours, and their history. */
@Service
public class HostQueries {

	private final JdbcClient db;

	private final HostRegistry hosts;

	HostQueries(JdbcClient db, HostRegistry hosts) {
		this.db = db;
		this.hosts = hosts;
	}

	/** @param utilisation busy slot time of the last 24 hours over the slots' time, 0 to 1 */
	public record HostRow(Host host, List<JobRow> current, long jobs24h, double utilisation) {
	}

	public record JobRow(long id, long hostId, long runId, String name, String state, int attempt, Instant startedAt, Instant finishedAt) {
	}

	private record Usage(long jobs, double busySeconds) {
	}

	public List<HostRow> all() {
		Map<Long, Usage> usage = db.sql("""
				select host_id, count(*), coalesce(sum(extract(epoch from coalesce(finished_at, now())
				       - greatest(started_at, now() - interval '24 hours'))), 0)
				from job where host_id is not null and started_at is not null
				  and (finished_at > now() - interval '24 hours' or state = 'running')
				group by host_id""")
			.query((rs, i) -> Map.entry(rs.getLong(1), new Usage(rs.getLong(2), rs.getDouble(3))))
			.list()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
		Map<Long, List<JobRow>> running = jobs("j.state = 'running'", List.of()).stream()
			.collect(Collectors.groupingBy(JobRow::hostId));
		return hosts.findAll().stream().map(host -> {
			Usage u = usage.getOrDefault(host.id(), new Usage(0, 0));
			return new HostRow(host, running.getOrDefault(host.id(), List.of()), u.jobs(),
					Math.min(1.0, u.busySeconds() / (86400.0 * host.slots())));
		}).toList();
	}

	public HostRow one(long id) {
		return all().stream().filter(row -> row.host().id() == id).findFirst().orElse(null);
	}

	/** Newest first, 50 at a time before job id {@code before}. */
	public List<JobRow> history(long hostId, Long before) {
		return jobs("j.host_id = ? and j.id < ? order by j.id desc limit 50", List.of(hostId, before == null ? Long.MAX_VALUE : before));
	}

	private List<JobRow> jobs(String condition, List<Object> params) {
		return db.sql("""
				select j.id, coalesce(j.host_id, 0), j.run_id, j.name, case when j.state = 'finished' then j.result else j.state end,
				       j.attempt, j.started_at, j.finished_at
				from job j where\s""" + condition)
			.params(params)
			.query((rs, i) -> new JobRow(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5),
					rs.getInt(6), rs.getTimestamp(7) == null ? null : rs.getTimestamp(7).toInstant(),
					rs.getTimestamp(8) == null ? null : rs.getTimestamp(8).toInstant()))
			.list();
	}
}
