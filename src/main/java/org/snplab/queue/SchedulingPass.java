package org.snplab.queue;

import java.sql.Array;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.snplab.hosts.Host;
import org.snplab.hosts.HostRegistry;
import org.snplab.scheduler.Candidate;
import org.snplab.scheduler.Capacities;
import org.snplab.scheduler.FairShare;
import org.snplab.scheduler.HostSummary;
import org.snplab.scheduler.Placement;
import org.snplab.scheduler.Resources;
import org.snplab.scheduler.SchedulerProperties;
import org.snplab.scheduler.SchedulingPolicy;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One scheduling pass over the whole fleet: which queued job goes to which ready slot. Passes are serialized across
 * server instances by a transaction-level advisory lock, and a pass's assignments commit together; the NOTIFY for
 * each chosen host wakes its parked poll on whichever instance holds it. {@link SchedulingPolicy} decides; this class
 * reads the fleet and the queue and writes the decisions.
 */
@Component
public class SchedulingPass {

	/** The advisory lock key of the pass ("snplab" in ASCII, to stay clear of other users of advisory locks). */
	private static final long LOCK = 0x736e706c6162L;

	/** How long a retry keeps away from the host that lost its previous attempt, if another host can take it. */
	private static final Duration AVOID_HOST_FOR = Duration.ofSeconds(30);

	/**
	 * Jobs read per fair-share group beyond the free slots: no group can be given more than the free slots, but its
	 * first jobs may fit no ready host (too big, or a retry kept from the only host), and the next ones may.
	 */
	private static final int SPARE_HEADS = 32;

	/** Most jobs read per fair-share group in one pass. */
	private static final int MAX_HEADS = 1000;

	private final JdbcClient db;

	private final TransactionTemplate transactions;

	private final HostRegistry hosts;

	private final RequirementSets requirementSets;

	private final FairShareUsage usage;

	private final SchedulerProperties properties;

	private final SchedulingPolicy policy;

	private final Clock clock;

	SchedulingPass(JdbcClient db, TransactionTemplate transactions, HostRegistry hosts, RequirementSets requirementSets,
			FairShareUsage usage, SchedulerProperties properties, Clock clock) {
		this.db = db;
		this.transactions = transactions;
		this.hosts = hosts;
		this.requirementSets = requirementSets;
		this.usage = usage;
		this.properties = properties;
		this.policy = properties.policy();
		this.clock = clock;
	}

	/** @return the placements made */
	public List<Placement> run() {
		return transactions.execute(tx -> {
			db.sql("select pg_advisory_xact_lock(?)").param(LOCK).query((rs, i) -> 1).list();
			Instant now = clock.instant();
			List<HostSummary> fleet = summariseHosts();
			List<Placement> placements = assignSingleJobs(fleet, now);
			requeueUntakenAssignments(now);
			return placements;
		});
	}

	/**
	 * Hosts that take work and have a slot whose agent is asking for work, with what their jobs hold now. Hosts
	 * nobody polls for can't be given a job, so they aren't read. The ready slots stay locked until the pass
	 * commits: a poll that ends meanwhile waits, then finds the job the pass gave it ({@link JobQueue#claim}).
	 */
	private List<HostSummary> summariseHosts() {
		Map<Long, List<Integer>> polling = new HashMap<>();
		db.sql("""
				select p.host_id, p.slot from slot_poll p join host h on h.id = p.host_id
				where p.ready_until > ? and h.enabled and h.mode = 'active' and h.removed_at is null
				for key share of p""")
			.param(Timestamp.from(clock.instant()))
			.query((rs, i) -> polling.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getInt(2)))
			.list();
		if (polling.isEmpty()) {
			return List.of();
		}
		Map<Long, Busy> busy = new HashMap<>();
		db.sql("""
				select host_id, sum(memory_mb), sum(cpus), count(*), array_agg(slot) from job
				where state in ('assigned', 'running') and host_id = any(?) group by host_id""")
			.param(ids(polling.keySet()))
			.query((rs, i) -> busy.put(rs.getLong(1), new Busy(new Resources(rs.getLong(2), rs.getInt(3)), rs.getInt(4),
					slots(rs.getArray(5)))))
			.list();
		Map<Long, Instant> lastAssigned = new HashMap<>();
		db.sql("select id, last_assigned_at from host where id = any(?) and last_assigned_at is not null")
			.param(ids(polling.keySet()))
			.query((rs, i) -> lastAssigned.put(rs.getLong(1), rs.getTimestamp(2).toInstant()))
			.list();
		List<HostSummary> fleet = new ArrayList<>();
		long reserve = properties.hostReserve().memoryMb();
		for (Host host : hosts.findAll(ids(polling.keySet()))) {
			if (!host.takesWork()) {
				continue;
			}
			Busy now = busy.getOrDefault(host.id(), Busy.NONE);
			List<Integer> ready = polling.get(host.id()).stream()
				.filter(slot -> slot < host.slots() && !now.slots.contains(slot))
				.sorted()
				.toList();
			Set<Long> matches = new HashSet<>();
			for (long set : requirementSets.matching(host)) {
				matches.add(set);
			}
			fleet.add(new HostSummary(host.id(), host.name(), matches, Capacities.of(host.facts(), reserve), now.inUse,
					host.slots(), now.jobs, ready, lastAssigned.get(host.id())));
		}
		return fleet;
	}

	/** Reads the heads of the queue the ready hosts could run, lets the policy decide, writes its placements. */
	private List<Placement> assignSingleJobs(List<HostSummary> fleet, Instant now) {
		int free = fleet.stream().mapToInt(h -> Math.min(h.readySlots().size(), h.slots() - h.jobs())).sum();
		Set<Long> sets = new LinkedHashSet<>();
		fleet.stream().filter(h -> !h.readySlots().isEmpty()).forEach(h -> sets.addAll(h.matches()));
		if (free <= 0 || sets.isEmpty()) {
			return List.of();
		}
		List<Candidate> candidates = candidates(sets, Math.min(free + SPARE_HEADS, MAX_HEADS), now);
		if (candidates.isEmpty()) {
			return List.of();
		}
		List<String> repositories = candidates.stream().map(Candidate::repository).distinct().toList();
		List<String> authors = candidates.stream().map(Candidate::author).filter(a -> a != null).distinct().toList();
		// Fair share only orders jobs of different repositories or authors: with one of each, it needn't be read.
		FairShare share = repositories.size() <= 1 && authors.size() <= 1 ? FairShare.none()
				: usage.of(repositories, authors);
		List<Placement> placements = policy.place(fleet, candidates, share, now).placements();
		return write(placements, now);
	}

	// The fair-share groups (class, repository, author) with queued jobs in one requirement set, found by skipping
	// through the queue index one group at a time (a handful of index probes however deep the queue); then the first
	// few jobs of each group in priority order.
	private static final String HEADS = """
			with recursive groups (queue_group) as (
			  (select queue_group from job where state = 'queued' and requires_id = :set order by queue_group limit 1)
			  union all
			  select (select j.queue_group from job j
			          where j.state = 'queued' and j.requires_id = :set and j.queue_group > g.queue_group
			          order by j.queue_group limit 1)
			  from groups g where g.queue_group is not null
			)
			select c.* from groups g cross join lateral (
			  select id, requires_id, memory_mb, cpus, priority_class, priority, repository, author, avoid_host, queued_at
			  from job where state = 'queued' and requires_id = :set and queue_group = g.queue_group
			  order by priority desc, id limit :heads) c
			where g.queue_group is not null""";

	private List<Candidate> candidates(Set<Long> sets, int heads, Instant now) {
		Instant avoidSince = now.minus(AVOID_HOST_FOR);
		List<Candidate> candidates = new ArrayList<>();
		for (long set : sets) {
			candidates.addAll(db.sql(HEADS)
				.param("set", set)
				.param("heads", heads)
				.query((rs, i) -> {
					Long avoid = (Long) rs.getObject(9);
					boolean recent = rs.getTimestamp(10).toInstant().isAfter(avoidSince);
					return new Candidate(rs.getLong(1), rs.getLong(2), new Resources(rs.getLong(3), rs.getInt(4)),
							rs.getString(5), rs.getInt(6), rs.getString(7), rs.getString(8), recent ? avoid : null);
				})
				.list());
		}
		return candidates;
	}

	/** Assigns in one statement; the NOTIFYs go out when the pass commits. */
	private List<Placement> write(List<Placement> placements, Instant now) {
		if (placements.isEmpty()) {
			return placements;
		}
		long[] jobIds = placements.stream().mapToLong(Placement::jobId).toArray();
		long[] hostIds = placements.stream().mapToLong(Placement::hostId).toArray();
		int[] slots = placements.stream().mapToInt(Placement::slot).toArray();
		Set<Long> assigned = new HashSet<>(db.sql("""
				update job j set state = 'assigned', host_id = v.host, slot = v.slot, assigned_at = :now
				from unnest(cast(:jobs as bigint[]), cast(:hosts as bigint[]), cast(:slots as int[])) as v(id, host, slot)
				where j.id = v.id and j.state = 'queued'
				returning j.id""")
			.param("now", Timestamp.from(now))
			.param("jobs", jobIds)
			.param("hosts", hostIds)
			.param("slots", slots)
			.query(Long.class)
			.list());
		long[] chosen = placements.stream().filter(p -> assigned.contains(p.jobId())).mapToLong(Placement::hostId)
			.distinct().toArray();
		db.sql("update host set last_assigned_at = ? where id = any(?)").params(Timestamp.from(now), chosen).update();
		for (long host : chosen) {
			JobNotifications.notifyHost(db, host);
		}
		return placements.stream().filter(p -> assigned.contains(p.jobId())).toList();
	}

	/**
	 * Jobs assigned to a slot that didn't take them in time (its agent went away between polls), or to a host that
	 * stopped taking work, go back to the queue; the next pass places them again.
	 */
	private void requeueUntakenAssignments(Instant now) {
		int requeued = db.sql("""
				update job j set state = 'queued', host_id = null, slot = null, assigned_at = null
				from host h
				where j.state = 'assigned' and h.id = j.host_id
				  and (j.assigned_at < ? or not h.enabled or h.mode <> 'active' or h.removed_at is not null)""")
			.param(Timestamp.from(now.minus(properties.assignmentTimeout())))
			.update();
		if (requeued > 0) {
			JobNotifications.notifyAny(db);
		}
	}

	private static long[] ids(Set<Long> ids) {
		return ids.stream().mapToLong(Long::longValue).toArray();
	}

	private static Set<Integer> slots(Array array) throws SQLException {
		Set<Integer> slots = new HashSet<>();
		for (Object slot : (Object[]) array.getArray()) {
			if (slot != null) {
				slots.add(((Number) slot).intValue());
			}
		}
		return slots;
	}

	private record Busy(Resources inUse, int jobs, Set<Integer> slots) {

		static final Busy NONE = new Busy(Resources.NONE, 0, Set.of());
	}
}
