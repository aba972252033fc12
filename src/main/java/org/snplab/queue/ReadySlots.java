package org.snplab.queue;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;

import org.snplab.hosts.Host;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Slots whose agent is asking for work right now, on whichever server instance its poll arrived: the pass gives
 * jobs only to these, so a job never waits on a host whose agent isn't there to take it. A slot is ready from the
 * moment its poll arrives until the poll is answered; the deadline covers a server instance that died meanwhile.
 */
@Component
class ReadySlots {

	private final JdbcClient db;

	private final Clock clock;

	ReadySlots(JdbcClient db, Clock clock) {
		this.db = db;
		this.clock = clock;
	}

	void ready(Host host, int slot, Duration wait) {
		db.sql("""
				insert into slot_poll (host_id, slot, ready_until) values (?, ?, ?)
				on conflict (host_id, slot) do update set ready_until = excluded.ready_until""")
			.params(host.id(), slot, Timestamp.from(clock.instant().plus(wait).plusSeconds(5)))
			.update();
	}

	void answered(long hostId, int slot) {
		db.sql("delete from slot_poll where host_id = ? and slot = ?").params(hostId, slot).update();
	}
}
