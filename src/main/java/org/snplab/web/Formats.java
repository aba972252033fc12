package org.snplab.web;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.springframework.stereotype.Component;

/** Formatting for templates, as {@code ${@fmt.duration(a, b)}}: times in UTC, durations short. */
@Component("fmt")
public class Formats {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

	/** The version of the server answering, shown beside each agent's ({@code agent.version}). */
	public String serverVersion() {
		return org.snplab.SnplabVersion.current();
	}

	public String time(Instant instant) {
		return instant == null ? "" : TIME.format(instant);
	}

	/** From start to end, or to now while it lasts. */
	public String duration(Instant start, Instant end) {
		if (start == null) {
			return "";
		}
		return seconds(Duration.between(start, end == null ? Instant.now() : end).toSeconds());
	}

	public String seconds(long seconds) {
		if (seconds < 60) {
			return Math.max(0, seconds) + "s";
		}
		if (seconds < 3600) {
			return seconds / 60 + "m " + seconds % 60 + "s";
		}
		return seconds / 3600 + "h " + seconds % 3600 / 60 + "m";
	}

	public String approx(Double seconds) {
		return seconds == null ? "" : seconds(Math.round(seconds));
	}

	public String ago(Instant instant) {
		return instant == null ? "never" : duration(instant, null) + " ago";
	}

	public String sha(String commit) {
		return commit == null ? "" : commit.substring(0, Math.min(12, commit.length()));
	}

	public String percent(double fraction) {
		return Math.round(fraction * 1000) / 10.0 + "%";
	}
}
