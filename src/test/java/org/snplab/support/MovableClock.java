package org.snplab.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that stands still until a test moves it forward. */
public final class MovableClock extends Clock {

	private Instant now;

	public MovableClock(Instant start) {
		this.now = start;
	}

	public synchronized void advance(Duration by) {
		now = now.plus(by);
	}

	@Override
	public synchronized Instant instant() {
		return now;
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("a movable clock is always UTC");
	}
}
