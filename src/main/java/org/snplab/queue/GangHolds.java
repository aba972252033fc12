package org.snplab.queue;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.snplab.scheduler.Candidate;
import org.snplab.scheduler.Gang;
import org.snplab.scheduler.Placement;
import org.snplab.scheduler.Resources;
import org.snplab.scheduler.SchedulingPolicy;
import org.snplab.scheduler.WaitingReasons;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The scheduling pass's side of multi-host jobs (gangs): which wait to be placed, the hosts each holds
 * ({@code gang_hold}) and for how long, and why each waits. Read only while a gang waits: a pass over single jobs
 * pays one index probe ({@link #any}).
 */
final class GangHolds {

	private final JdbcClient db;

	private final Duration gangWait;

	private final Duration avoidHostFor;

	GangHolds(JdbcClient db, Duration gangWait, Duration avoidHostFor) {
		this.db = db;
		this.gangWait = gangWait;
		this.avoidHostFor = avoidHostFor;
	}

	/** Whether a gang is queued or assigned, or a hold is left to clear. */
	boolean any() {
		return db.sql("""
				select exists (select 1 from job where gang is not null and state in ('queued', 'assigned'))
				  or exists (select 1 from gang_hold)""")
			.query(Boolean.class)
			.single();
	}

	/** Which gang a key names: {@code <run id>/<gang>}. */
	static String key(long runId, String gang) {
		return runId + "/" + gang;
	}

	private record Hold(Set<Long> hosts, Instant since, Instant releasedAt) {
	}

	/**
	 * The gangs whose every role is queued, in queue order, with the hosts each holds. A hold that has lasted
	 * {@code gang-wait} is released first, and its gang's reason says so.
	 */
	List<Gang> queued(Instant now) {
		Map<String, Hold> holds = new HashMap<>();
		db.sql("select run_id, gang, hosts, held_since, released_at from gang_hold")
			.query((rs, i) -> {
				Set<Long> hosts = new HashSet<>();
				for (Object id : (Object[]) rs.getArray(3).getArray()) {
					hosts.add(((Number) id).longValue());
				}
				return holds.put(key(rs.getLong(1), rs.getString(2)), new Hold(hosts, instant(rs.getTimestamp(4)),
						instant(rs.getTimestamp(5))));
			})
			.list();
		record Role(Candidate candidate, long runId, String gang, List<String> same, int roles) {
		}
		Instant avoidSince = now.minus(avoidHostFor);
		Map<String, List<Role>> byGang = new LinkedHashMap<>();
		db.sql("""
				select id, requires_id, memory_mb, cpus, priority_class, priority, repository, author, avoid_host,
				  queued_at, run_id, gang, array(select jsonb_array_elements_text(coalesce(spec -> 'same', '[]'))),
				  jsonb_array_length(coalesce(spec -> 'roles', '[]'))
				from job where gang is not null and state = 'queued' order by id""")
			.query((rs, i) -> {
				Long avoid = (Long) rs.getObject(9);
				boolean recent = rs.getTimestamp(10).toInstant().isAfter(avoidSince);
				Candidate candidate = new Candidate(rs.getLong(1), rs.getLong(2), new Resources(rs.getLong(3), rs.getInt(4)),
						rs.getString(5), rs.getInt(6), rs.getString(7), rs.getString(8), recent ? avoid : null);
				List<String> same = new ArrayList<>();
				for (Object fact : (Object[]) rs.getArray(13).getArray()) {
					same.add((String) fact);
				}
				Role role = new Role(candidate, rs.getLong(11), rs.getString(12), same, rs.getInt(14));
				return byGang.computeIfAbsent(key(role.runId, role.gang), k -> new ArrayList<>()).add(role);
			})
			.list();
		List<Gang> gangs = new ArrayList<>();
		byGang.forEach((key, roles) -> {
			Role first = roles.get(0);
			if (roles.size() < first.roles) {
				return; // a role is still running or being canceled: the gang is placed whole or not at all
			}
			Hold hold = holds.get(key);
			boolean mayHold = true;
			Set<Long> held = Set.of();
			if (hold != null) {
				if (hold.since != null && !hold.since.plus(gangWait).isAfter(now)) {
					release(first.runId, first.gang, WaitingReasons.gangReleased(words(gangWait), roles.size(),
							first.same), now);
					mayHold = false;
				}
				else {
					held = hold.hosts;
					mayHold = hold.releasedAt == null || !hold.releasedAt.plus(gangWait).isAfter(now);
				}
			}
			gangs.add(new Gang(key, roles.stream().map(Role::candidate).toList(), first.same, held, mayHold));
		});
		return gangs;
	}

	private void release(long runId, String gang, String reason, Instant now) {
		db.sql("""
				update gang_hold set hosts = '{}', held_since = null, released_at = ?, waiting = ?
				where run_id = ? and gang = ?""")
			.params(Timestamp.from(now), reason, runId, gang)
			.update();
	}

	/**
	 * The placements written, less those of a gang whose other roles' slots were gone by the time they were written:
	 * those roles go back to the queue in the same transaction, so a gang is never partly assigned.
	 */
	List<Placement> keepWhole(List<Placement> written, List<Gang> gangs) {
		Set<Long> assigned = new HashSet<>();
		written.forEach(p -> assigned.add(p.jobId()));
		List<Long> undo = new ArrayList<>();
		for (Gang gang : gangs) {
			long placed = gang.roles().stream().filter(r -> assigned.contains(r.jobId())).count();
			if (placed > 0 && placed < gang.roles().size()) {
				gang.roles().stream().map(Candidate::jobId).filter(assigned::contains).forEach(undo::add);
			}
		}
		if (undo.isEmpty()) {
			return written;
		}
		db.sql("update job set state = 'queued', host_id = null, slot = null, assigned_at = null where id = any(?)")
			.param(undo.stream().mapToLong(Long::longValue).toArray())
			.update();
		return written.stream().filter(p -> !undo.contains(p.jobId())).toList();
	}

	/**
	 * Writes what the pass decided for the gangs: the hosts each waiting one holds (since when it first held), why
	 * it waits; a placed gang's hold, and that of a gang no longer queued, is gone.
	 */
	void record(SchedulingPolicy.Plan plan, List<Gang> gangs, Instant now) {
		for (SchedulingPolicy.WaitingGang waiting : plan.waitingGangs()) {
			String key = waiting.gang().key();
			int slash = key.indexOf('/');
			long runId = Long.parseLong(key.substring(0, slash));
			String gang = key.substring(slash + 1);
			String reason = waiting.holds().isEmpty() ? waiting.reason()
					: waiting.reason() + " (at most " + words(gangWait) + ")";
			db.sql("""
					insert into gang_hold (run_id, gang, hosts, held_since, waiting)
					values (:run, :gang, :hosts, case when cardinality(cast(:hosts as bigint[])) > 0 then cast(:now as timestamptz) end,
					  :waiting)
					on conflict (run_id, gang) do update set hosts = excluded.hosts,
					  held_since = case when cardinality(excluded.hosts) = 0 then null
					    else coalesce(gang_hold.held_since, excluded.held_since) end,
					  -- a gang that may not hold again yet keeps saying why
					  waiting = case when gang_hold.released_at is not null and cardinality(excluded.hosts) = 0
					    and gang_hold.released_at > cast(:now as timestamptz) - make_interval(secs => :wait) then gang_hold.waiting
					    else excluded.waiting end""")
				.param("run", runId)
				.param("gang", gang)
				.param("hosts", waiting.holds().stream().mapToLong(Long::longValue).toArray())
				.param("now", Timestamp.from(now))
				.param("waiting", reason)
				.param("wait", gangWait.toSeconds())
				.update();
		}
		db.sql("""
				delete from gang_hold g where not exists (
				  select 1 from job j where j.run_id = g.run_id and j.gang = g.gang and j.state = 'queued')""")
			.update();
		Set<String> waiting = new HashSet<>();
		plan.waitingGangs().forEach(w -> waiting.add(w.gang().key()));
		for (Gang gang : gangs) {
			if (!waiting.contains(gang.key())) {
				int slash = gang.key().indexOf('/');
				db.sql("delete from gang_hold where run_id = ? and gang = ?")
					.params(Long.parseLong(gang.key().substring(0, slash)), gang.key().substring(slash + 1))
					.update();
			}
		}
	}

	/**
	 * A gang one of whose roles was assigned to a slot that didn't take it in time (or to a host that stopped taking
	 * work). If no role has started, nothing ran: the assigned roles go back to the queue at the same attempt, as a
	 * single job does. If one has, that attempt is spent: every role goes back with the next attempt (a rendezvous is
	 * scoped to the gang's attempt; a peer running is stopped by its next heartbeat), or, when it was the last
	 * attempt, the roles not running end as infra errors and those running are told to stop.
	 *
	 * @param ended receives each job this ended (a {@link JobChanged} to publish)
	 * @return how many gangs went back to the queue or ended
	 */
	int requeueUntaken(Instant before, List<JobChanged> ended) {
		record Untaken(long runId, String gang, boolean started, int attempt, int maxAttempts) {
		}
		List<Untaken> untaken = db.sql("""
				select j.run_id, j.gang, bool_or(p.state = 'running'), max(p.attempt), max(p.max_attempts)
				from job j join host h on h.id = j.host_id join job p on p.run_id = j.run_id and p.gang = j.gang
				where j.gang is not null and j.state = 'assigned'
				  and (j.assigned_at < ? or not h.enabled or h.mode <> 'active' or h.removed_at is not null)
				group by j.run_id, j.gang""")
			.param(Timestamp.from(before))
			.query((rs, i) -> new Untaken(rs.getLong(1), rs.getString(2), rs.getBoolean(3), rs.getInt(4), rs.getInt(5)))
			.list();
		String why = "a role's host did not take its assignment in time";
		for (Untaken gang : untaken) {
			if (!gang.started()) {
				db.sql("""
						update job set state = 'queued', host_id = null, slot = null, assigned_at = null, reason = ?
						where run_id = ? and gang = ? and state = 'assigned'""")
					.params(why + "; placing every role again", gang.runId(), gang.gang())
					.update();
			}
			else if (gang.attempt() < gang.maxAttempts()) {
				requeueWhole(db, gang.runId(), gang.gang(), why + "; placing every role again");
			}
			else {
				String reason = why + " (attempt " + gang.attempt() + " of " + gang.maxAttempts() + ")";
				db.sql("""
						update job set state = 'finished', result = 'infra_error', reason = ?, finished_at = now(),
						  host_id = case when state = 'assigned' then null else host_id end, slot = null, assigned_at = null
						where run_id = ? and gang = ? and state in ('queued', 'assigned') returning id""")
					.params(reason, gang.runId(), gang.gang())
					.query(Long.class)
					.list()
					.forEach(id -> ended.add(new JobChanged(id, gang.runId())));
				db.sql("""
						update job set cancel_requested = true, reason = ?
						where run_id = ? and gang = ? and state = 'running' and not cancel_requested""")
					.params("canceled: " + reason, gang.runId(), gang.gang())
					.update();
			}
		}
		return untaken.size();
	}

	/**
	 * Every role of the gang back to the queue with the next attempt, when one of them never started: a peer
	 * already running is stopped by its next heartbeat (it no longer matches), its attempt recorded as canceled.
	 */
	static void requeueWhole(JdbcClient db, long runId, String gang, String reason) {
		db.sql("""
				insert into job_attempt (job_id, attempt, host_id, result, reason, started_at)
				select id, attempt, host_id, 'canceled', ?, started_at from job
				where run_id = ? and gang = ? and state = 'running'
				on conflict (job_id, attempt) do nothing""")
			.params("canceled: " + reason, runId, gang)
			.update();
		db.sql("""
				update job set state = 'queued', attempt = attempt + 1, host_id = null, slot = null,
				  lease_until = null, started_at = null, assigned_at = null, finished_at = null, result = null,
				  exit_code = null, cancel_requested = false, queued_at = now(), reason = ?
				where run_id = ? and gang = ?""")
			.params(reason, runId, gang)
			.update();
	}

	/** {@code 15m}, {@code 1h}, {@code 90s}: as the setting is written. */
	static String words(Duration d) {
		if (d.toSeconds() % 3600 == 0 && d.toSeconds() > 0) {
			return d.toHours() + "h";
		}
		return d.toSeconds() % 60 == 0 ? d.toMinutes() + "m" : d.toSeconds() + "s";
	}

	private static Instant instant(Timestamp t) {
		return t == null ? null : t.toInstant();
	}
}
