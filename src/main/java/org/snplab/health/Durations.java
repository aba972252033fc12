package org.snplab.health;

import java.time.Duration;

/** Durations as the README writes them: 24h, 90m, 30s. */
final class Durations {

	private Durations() {
	}

	static String words(Duration duration) {
		if (duration.toSeconds() % 3600 == 0) {
			return duration.toHours() + "h";
		}
		if (duration.toSeconds() % 60 == 0) {
			return duration.toMinutes() + "m";
		}
		return duration.toSeconds() + "s";
	}
}
