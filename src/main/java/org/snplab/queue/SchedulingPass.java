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
import org.snplab.scheduler.Gang;
import org.snplab.scheduler.HostSummary;
import org.snplab.scheduler.Placement;
import org.snplab.scheduler.Resources;
import org.snplab.scheduler.SchedulerProperties;
import org.snplab.scheduler.SchedulingPolicy;

import org.springframework.context.ApplicationEventPublisher;
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

	private final HostVersions knownHosts;

	private final GangHolds gangHolds;

	private final ApplicationEventPublisher events;

	SchedulingPass(JdbcClient db, TransactionTemplate transactions, HostRegistry hosts, RequirementSets requirementSets,
			FairShareUsage usage, SchedulerProperties properties, Clock clock, ApplicationEventPublisher events) {
		this.db = db;
		this.events = events;
		this.transactions = transactions;
		this.hosts = hosts;
		this.requirementSets = requirementSets;
		this.usage = usage;
		this.properties = properties;
		this.policy = properties.policy();
		this.clock = clock;
		this.knownHosts = new HostVersions(hosts);
		this.gangHolds = new GangHolds(db, properties.gangWait(), AVOID_HOST_FOR);
	}

	/**
	 * Summarise the hosts; health checks due are queued as jobs of their own by {@code HealthSchedules} and placed
	 * here like any job (class {@code health}, first); then multi-host jobs and single jobs in policy order; then
	 * queue timeouts.
	 *
	 * @return the placements made
	 */
	public List<Placement> run() {
		return transactions.execute(tx -> {
			db.sql("select pg_advisory_xact_lock(?)").param(LOCK).query((rs, i) -> 1).list();
			Instant now = clock.instant();
			boolean gangsWaiting = gangHolds.any();
			List<HostSummary> fleet = summariseHosts(gangsWaiting);
			List<Gang> gangs = gangsWaiting ? multiHostJobs(now) : List.of();
			List<Placement> placements = jobsInPolicyOrder(fleet, gangs, now);
			requeueUntakenAssignments(now, gangsWaiting);
			return placements;
		});
	}

	/** The multi-host jobs whose every role is queued, with the hosts each holds; holds that ran out released. */
	private List<Gang> multiHostJobs(Instant now) {
		return gangHolds.queued(now);
	}

	/**
	 * Hosts that take work and have a slot whose agent is asking for work, with what their jobs hold now. Hosts
	 * nobody polls for can't be given a job, so they aren't read, unless a multi-host job waits ({@code everyHost}):
	 * it may hold a busy host until its jobs end. A host's facts and labels are read again only when its row or its
	 * reservation changed ({@link HostVersions}).
	 */
	private List<HostSummary> summariseHosts(boolean everyHost) {
		Map<Long, List<Integer>> polling = new HashMap<>();
		db.sql("select host_id, slot from slot_poll where ready_until > ?")
			.param(Timestamp.from(clock.instant()))
			.query((rs, i) -> polling.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getInt(2)))
			.list();
		if (polling.isEmpty() && !everyHost) {
			return List.of();
		}
		// By primary key, not joined: however the planner guesses, the pass never walks hosts nobody polls for.
		Map<Long, String> versions = new HashMap<>();
		Map<Long, Instant> lastAssigned = new HashMap<>();
		// A host's version is its row's, and its reservation's with whether it still holds now: a reservation made,
		// changed, released or run out makes the pass read the host again.
		db.sql("""
				select h.id, h.xmin::text || coalesce('/' || r.xmin::text || '/' || (r.reserved_until > :now)::text, ''),
				  h.last_assigned_at
				from host h left join host_reservation r on r.host_id = h.id
				where %s and h.enabled and h.mode = 'active' and h.removed_at is null"""
				.formatted(everyHost ? "true" : "h.id = any(:ids)"))
			.param("now", Timestamp.from(clock.instant()))
			.param("ids", ids(polling.keySet()))
			.query((rs, i) -> {
				long id = rs.getLong(1);
				versions.put(id, rs.getString(2));
				Timestamp last = rs.getTimestamp(3);
				if (last != null) {
					lastAssigned.put(id, last.toInstant());
				}
				return null;
			})
			.list();
		if (versions.isEmpty()) {
			return List.of();
		}
		Map<Long, Busy> busy = new HashMap<>();
		db.sql("""
				select host_id, sum(memory_mb), sum(cpus), count(*), array_agg(slot) from job
				where state in ('assigned', 'running') and host_id = any(?) group by host_id""")
			.param(ids(versions.keySet()))
			.query((rs, i) -> busy.put(rs.getLong(1), new Busy(new Resources(rs.getLong(2), rs.getInt(3)), rs.getInt(4),
					slots(rs.getArray(5)))))
			.list();
		List<HostSummary> fleet = new ArrayList<>();
		long reserve = properties.hostReserve().memoryMb();
		for (Host host : knownHosts.current(versions)) {
			if (!host.takesWork()) {
				continue;
			}
			Busy now = busy.getOrDefault(host.id(), Busy.NONE);
			List<Integer> ready = polling.getOrDefault(host.id(), List.of()).stream()
				.filter(slot -> slot < host.slots() && !now.slots.contains(slot))
				.sorted()
				.toList();
			Set<Long> matches = new HashSet<>();
			for (long set : requirementSets.matching(host)) {
				matches.add(set);
			}
			fleet.add(new HostSummary(host.id(), host.name(), matches, Capacities.of(host.facts(), reserve), now.inUse,
					host.slots(), now.jobs, ready, lastAssigned.get(host.id()), host.facts()));
		}
		return fleet;
	}

	/**
	 * Reads the heads of the queue the ready hosts could run, lets the policy decide where they and the waiting
	 * multi-host jobs go, writes its placements (a gang's all or none) and the hosts the gangs hold.
	 */
	private List<Placement> jobsInPolicyOrder(List<HostSummary> fleet, List<Gang> gangs, Instant now) {
		int free = fleet.stream().mapToInt(h -> Math.min(h.readySlots().size(), h.slots() - h.jobs())).sum();
		Set<Long> sets = new LinkedHashSet<>();
		fleet.stream().filter(h -> !h.readySlots().isEmpty()).forEach(h -> sets.addAll(h.matches()));
		List<Candidate> candidates = free <= 0 || sets.isEmpty() ? List.of()
				: candidates(sets, Math.min(free + SPARE_HEADS, MAX_HEADS), now);
		if (candidates.isEmpty() && gangs.isEmpty()) {
			return List.of();
		}
		List<Candidate> all = new ArrayList<>(candidates);
		gangs.forEach(g -> all.addAll(g.roles()));
		List<String> repositories = all.stream().map(Candidate::repository).distinct().toList();
		List<String> authors = all.stream().map(Candidate::author).filter(a -> a != null).distinct().toList();
		// Fair share only orders jobs of different repositories or authors: with one of each, it needn't be read.
		FairShare share = repositories.size() <= 1 && authors.size() <= 1 ? FairShare.none()
				: usage.of(repositories, authors);
		SchedulingPolicy.Plan plan = policy.place(fleet, candidates, gangs, share, now);
		List<Placement> placements = write(plan.placements(), now);
		if (!gangs.isEmpty()) {
			placements = gangHolds.keepWhole(placements, gangs);
			gangHolds.record(plan, gangs, now);
		}
		return placements;
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
			  from job where state = 'queued' and requires_id = :set and queue_group = g.queue_group and gang is null
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

	/**
	 * Assigns, records when each chosen host was last given a job and NOTIFYs it, all in one statement (a pass placing
	 * a hundred jobs costs one round trip to write them, like a pass placing one); the NOTIFYs go out at commit. Only
	 * the chosen slots are locked, and only if still ready: a poll that ends meanwhile waits for the commit, then finds
	 * its job ({@link JobQueue#answered}); a slot whose poll ended before is skipped and its job stays queued.
	 */
	private List<Placement> write(List<Placement> placements, Instant now) {
		if (placements.isEmpty()) {
			return placements;
		}
		long[] jobIds = placements.stream().mapToLong(Placement::jobId).toArray();
		long[] hostIds = placements.stream().mapToLong(Placement::hostId).toArray();
		int[] slots = placements.stream().mapToInt(Placement::slot).toArray();
		Set<Long> assigned = new HashSet<>(db.sql("""
				with v as (
				  select * from unnest(cast(:jobs as bigint[]), cast(:hosts as bigint[]), cast(:slots as int[])) as v(id, host, slot)
				), still_ready as (
				  select p.host_id, p.slot from slot_poll p join v on p.host_id = v.host and p.slot = v.slot
				  where p.ready_until > :now
				  for share of p
				), assigned as (
				  update job j set state = 'assigned', host_id = v.host, slot = v.slot, assigned_at = :now
				  from v join still_ready r on r.host_id = v.host and r.slot = v.slot
				  where j.id = v.id and j.state = 'queued'
				  returning j.id, j.host_id
				), chosen as (
				  update host set last_assigned_at = :now where id in (select host_id from assigned) returning id
				), notified as (
				  select pg_notify(:channel, :host || id) from chosen
				)
				select a.id from assigned a where (select count(*) from notified) >= 0""")
			.param("now", Timestamp.from(now))
			.param("jobs", jobIds)
			.param("hosts", hostIds)
			.param("slots", slots)
			.param("channel", JobNotifications.CHANNEL)
			.param("host", JobNotifications.HOST)
			.query(Long.class)
			.list());
		return placements.stream().filter(p -> assigned.contains(p.jobId())).toList();
	}

	/**
	 * Jobs assigned to a slot that didn't take them in time (its agent went away between polls), or to a host that
	 * stopped taking work, go back to the queue; the next pass places them again.
	 */
	private void requeueUntakenAssignments(Instant now, boolean gangsWaiting) {
		Instant before = now.minus(properties.assignmentTimeout());
		List<JobChanged> ended = new ArrayList<>();
		int requeued = gangsWaiting ? gangHolds.requeueUntaken(before, ended) : 0;
		ended.forEach(events::publishEvent);
		requeued += db.sql("""
				update job j set state = 'queued', host_id = null, slot = null, assigned_at = null
				from host h
				where j.state = 'assigned' and h.id = j.host_id and j.gang is null
				  and (j.assigned_at < ? or not h.enabled or h.mode <> 'active' or h.removed_at is not null)""")
			.param(Timestamp.from(before))
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
