package org.snplab.web.overview;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.snplab.git.CloneUrls;
import org.snplab.hosts.Host;
import org.snplab.hosts.HostRegistry;
import org.snplab.pipeline.Requirements;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * What the overview shows: the queue per capability class (requirement set), each waiting job's place in it with
 * an estimate, and what runs now. All reads go through partial indexes on queued and running jobs, so their cost
 * follows the queue's size, not the history's.
 */
@Service
public class OverviewQueries {

	static final String NO_MATCHING_HOST = "no host that takes work matches";


	private static final int WAITING_SHOWN = 100;

	private final JdbcClient db;

	private final HostRegistry hosts;

	private final ClassDurations durations;

	OverviewQueries(JdbcClient db, HostRegistry hosts, ClassDurations durations) {
		this.db = db;
		this.hosts = hosts;
		this.durations = durations;
	}

	/** @param averageSeconds of the last 20 finished jobs of this class; null before the first */
	public record QueueClass(long requiresId, String requires, int queued, int freeSlots, int slots, Double averageSeconds) {
	}

	/** @param ahead queued jobs of the same class the claim order puts first (priority desc, then id) */
	public record Waiting(long jobId, long runId, String name, String repository, String ref, int priority, String requires,
			int ahead, Long etaSeconds, String etaNote, Instant queuedAt) {

		/** The clone URL's credentials are the agents', never shown. */
		public Waiting {
			repository = CloneUrls.redact(repository);
		}

		/** Whether any host that takes work could run it: a position in line means something only then. */
		public boolean matched() {
			return etaNote == null || !etaNote.equals(NO_MATCHING_HOST);
		}
	}

	public record Running(long jobId, long runId, String name, String host, int attempt, Instant startedAt) {
	}

	/** Read once per page: both the queue and the host counts need them. */
	List<Host> hosts() {
		return hosts.findAll();
	}

	List<QueueClass> queue(List<Host> all) {
		List<Host> working = all.stream().filter(h -> h.takesWork() && h.status() == Host.Status.ONLINE).toList();
		Map<Long, Integer> busy = db.sql("select host_id, count(*) from job where state = 'running' group by host_id")
			.query((rs, i) -> Map.entry(rs.getLong(1), rs.getInt(2)))
			.list()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
		return db.sql("""
				select j.requires_id, r.canonical, count(*) from job j join requirement_set r on r.id = j.requires_id
				where j.state = 'queued' group by j.requires_id, r.canonical order by count(*) desc""")
			.query((rs, i) -> {
				long id = rs.getLong(1);
				Requirements requires = Requirements.fromJson(rs.getString(2));
				List<Host> matching = working.stream().filter(h -> requires.matches(h.facts(), h.labels())).toList();
				int slots = matching.stream().mapToInt(Host::slots).sum();
				int free = matching.stream().mapToInt(h -> Math.max(0, h.slots() - busy.getOrDefault(h.id(), 0))).sum();
				return new QueueClass(id, requires.describe(), rs.getInt(3), free, slots, durations.averageSeconds(id));
			})
			.list();
	}

	/** Positions count the whole queue, but only the jobs shown are joined to their runs. */
	List<Waiting> waiting(List<QueueClass> classes) {
		Map<Long, QueueClass> byId = new TreeMap<>();
		classes.forEach(c -> byId.put(c.requiresId(), c));
		return db.sql("""
				select q.id, q.run_id, q.name, run.repository, run.ref, q.priority, q.requires_id, q.ahead, q.queued_at
				from (select id, run_id, name, priority, requires_id, queued_at,
				             row_number() over (partition by requires_id order by priority desc, id) - 1 ahead
				      from job where state = 'queued' order by priority desc, id limit ?) q
				join run on run.id = q.run_id
				order by q.priority desc, q.id""")
			.param(WAITING_SHOWN)
			.query((rs, i) -> {
				QueueClass c = byId.get(rs.getLong(7));
				int ahead = rs.getInt(8);
				Long eta = null;
				String note = null;
				if (c == null || c.slots() == 0) {
					note = NO_MATCHING_HOST;
				}
				else if (c.averageSeconds() == null) {
					note = "no finished job of this class yet";
				}
				else {
					// Jobs ahead leave in waves of the class's slots; the job starts after its wave's predecessors.
					long waves = ahead / c.slots() + (ahead < c.freeSlots() ? 0 : 1);
					eta = Math.round(c.averageSeconds() * waves);
				}
				return new Waiting(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
						rs.getInt(6), c == null ? "" : c.requires(), ahead, eta, note, rs.getTimestamp(9).toInstant());
			})
			.list();
	}

	List<Running> running() {
		return db.sql("""
				select j.id, j.run_id, j.name, h.name, j.attempt, j.started_at from job j left join host h on h.id = j.host_id
				where j.state = 'running' order by j.started_at""")
			.query((rs, i) -> new Running(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getInt(5),
					rs.getTimestamp(6) == null ? null : rs.getTimestamp(6).toInstant()))
			.list();
	}

	Map<String, Long> hostsByState(List<Host> all) {
		return all.stream().collect(Collectors.groupingBy(Host::state, TreeMap::new, Collectors.counting()));
	}
}
