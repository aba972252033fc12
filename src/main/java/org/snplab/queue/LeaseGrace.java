package org.snplab.queue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.SnplabProperties;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * When an expired lease may be judged lost. An agent can only renew its lease while this server answers and the
 * database takes the renewal: after the server was down, or the database unreachable, the leases of agents that
 * are alive and retrying ran out all the same. So every lease gets one whole lease of grace from the server's start
 * and from the database's return before anything is declared lost.
 */
@Component
class LeaseGrace {

	private static final Logger log = LoggerFactory.getLogger(LeaseGrace.class);

	private final Clock clock;

	private final Duration lease;

	// Until the server is ready no heartbeat can arrive, so no lease may expire.
	private Instant judgeFrom = Instant.MAX;

	private boolean databaseWasUnreachable;

	LeaseGrace(Clock clock, SnplabProperties properties) {
		this.clock = clock;
		this.lease = properties.queue().lease();
	}

	@EventListener(ApplicationReadyEvent.class)
	synchronized void serverStarted() {
		judgeFrom = clock.instant().plus(lease);
	}

	/** A heartbeat or a lease check could not reach the database: leases weren't renewed meanwhile. */
	synchronized void databaseUnreachable() {
		databaseWasUnreachable = true;
	}

	/**
	 * Called after a successful look at the database; the first one after an outage starts a new grace.
	 * @return whether expired leases may be declared lost now
	 */
	synchronized boolean leasesMayExpire() {
		Instant now = clock.instant();
		if (databaseWasUnreachable) {
			databaseWasUnreachable = false;
			Instant graceEnd = now.plus(lease);
			if (judgeFrom.isBefore(graceEnd)) {
				judgeFrom = graceEnd;
			}
			log.info("The database is reachable again: no lease expires before {}, so agents can renew theirs", graceEnd);
		}
		return !now.isBefore(judgeFrom);
	}
}
