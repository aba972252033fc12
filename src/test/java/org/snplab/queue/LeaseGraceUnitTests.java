package org.snplab.queue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.snplab.SnplabProperties;
import org.snplab.support.SettableClock;

import static org.assertj.core.api.Assertions.assertThat;

class LeaseGraceUnitTests {

	private static final Duration LEASE = Duration.ofSeconds(60);

	private final SettableClock clock = new SettableClock(Instant.parse("2026-03-01T10:00:00Z"));

	private final LeaseGrace grace = new LeaseGrace(clock, new SnplabProperties(null, null, null, null,
			new SnplabProperties.Queue(LEASE, Duration.ofSeconds(5), 3, Duration.ofSeconds(5), Duration.ofSeconds(60),
					Duration.ofSeconds(10), 3),
			null, null));

	@Test
	void noLeaseExpiresBeforeTheServerIsReady() {
		clock.advance(Duration.ofHours(1));

		assertThat(grace.leasesMayExpire()).isFalse();
	}

	@Test
	void leasesExpireOnlyOneLeaseAfterTheServersStart() {
		grace.serverStarted();

		clock.advance(Duration.ofMillis(400));
		assertThat(grace.leasesMayExpire()).as("0.4 s after the start").isFalse();
		clock.advance(LEASE.minusMillis(401));
		assertThat(grace.leasesMayExpire()).as("just before one lease").isFalse();
		clock.advance(Duration.ofMillis(1));
		assertThat(grace.leasesMayExpire()).as("one lease after the start").isTrue();
	}

	@Test
	void theFirstCheckAfterADatabaseOutageStartsAnotherGrace() {
		grace.serverStarted();
		clock.advance(Duration.ofMinutes(10));
		assertThat(grace.leasesMayExpire()).isTrue();

		grace.databaseUnreachable();
		clock.advance(Duration.ofMinutes(5)); // the outage: no check succeeds meanwhile

		assertThat(grace.leasesMayExpire()).as("the database is back").isFalse();
		clock.advance(LEASE.minusSeconds(1));
		assertThat(grace.leasesMayExpire()).isFalse();
		clock.advance(Duration.ofSeconds(1));
		assertThat(grace.leasesMayExpire()).as("one lease after the database's return").isTrue();
	}

	@Test
	void anOutageDuringTheStartsGraceDoesNotShortenIt() {
		grace.serverStarted();
		grace.databaseUnreachable();

		assertThat(grace.leasesMayExpire()).isFalse();
		clock.advance(LEASE);
		assertThat(grace.leasesMayExpire()).isTrue();
	}
}
