package org.snplab.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** A clock tests move by hand instead of sleeping; it starts at the real time, so database times stay near it. */
public final class SettableClock extends Clock {

	private volatile Instant now;

	public SettableClock() {
		this(Instant.now());
	}

	public SettableClock(Instant start) {
		this.now = start;
	}

	public synchronized void advance(Duration duration) {
		now = now.plus(duration);
	}

	/**
	 * Back to the real time: a test that moved the clock hours ahead puts it back, so that tests sharing the server
	 * (and its clock) after it don't start hours away from the database's {@code now()}.
	 */
	public synchronized void reset() {
		now = Instant.now();
	}

	/** Sets the time, e.g. back to the real time before each test of a class sharing one server. */
	public synchronized void set(Instant instant) {
		now = instant;
	}

	@Override
	public Instant instant() {
		return now;
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return this;
	}

	/** {@code @Import} it to give the server this clock. */
	@TestConfiguration(proxyBeanMethods = false)
	public static class Config {

		@Bean
		@Primary
		SettableClock settableClock() {
			return new SettableClock();
		}
	}
}
