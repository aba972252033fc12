package org.snplab.queue;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.snplab.hosts.Host;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Slots whose agent is asking for work right now, on whichever server instance its poll arrived: the pass gives
 * jobs only to these, so a job never waits on a host whose agent isn't there to take it. A slot is ready from the
 * moment its poll arrives until the poll is answered; the deadline covers a server instance that died meanwhile.
 * <p>
 * Each slot keeps its row, and a poll only moves its deadline (answered: {@code -infinity}): hundreds of polls a
 * second then update rows in place (HOT) instead of leaving a dead row each, which every pass would walk through
 * until a vacuum.
 */
@Component
class ReadySlots {

	private final JdbcClient db;

	private final Clock clock;

	ReadySlots(JdbcClient db, Clock clock) {
		this.db = db;
		this.clock = clock;
	}

	/** Marks the slot ready until the poll's deadline ({@link #arrive} without what it reads back). */
	void ready(Host host, int slot, Duration wait) {
		arrive(host, slot, wait, new long[0]);
	}

	/** What a poll finds as it arrives, read in the same round trip that marks its slot ready. */
	record Arrival(List<Long> runningOnSlot, boolean workQueued) {
	}

	/**
	 * Marks the slot ready until the poll's deadline, and reads the jobs running on that slot (the agent asking
	 * again has lost them) and whether any job of these requirement sets is queued.
	 */
	Arrival arrive(Host host, int slot, Duration wait, long[] requirementSets) {
		return db.sql("""
				with ready as (
				  insert into slot_poll (host_id, slot, ready_until) values (:host, :slot, :until)
				  on conflict (host_id, slot) do update set ready_until = excluded.ready_until
				  returning 1
				)
				select array(select id from job where host_id = :host and slot = :slot and state = 'running'),
				  exists (select 1 from job where state = 'queued' and requires_id = any(:sets)),
				  (select count(*) from ready)""")
			.param("host", host.id())
			.param("slot", slot)
			.param("until", Timestamp.from(clock.instant().plus(wait).plusSeconds(5)))
			.param("sets", requirementSets)
			.query((rs, i) -> {
				List<Long> running = new ArrayList<>();
				for (Object id : (Object[]) rs.getArray(1).getArray()) {
					running.add(((Number) id).longValue());
				}
				return new Arrival(running, rs.getBoolean(2));
			})
			.single();
	}

	void answered(long hostId, int slot) {
		db.sql("update slot_poll set ready_until = '-infinity' where host_id = ? and slot = ?").params(hostId, slot).update();
	}
}
