package org.snplab.support;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one sample from the server's real {@code /actuator/prometheus} text exposition. */
public final class Prometheus {

	private final String text;

	private Prometheus(String text) {
		this.text = text;
	}

	public static Prometheus scrape(String baseUrl) {
		HttpApi.Response response = HttpApi.anonymous(baseUrl).get("/actuator/prometheus");
		if (response.status() != 200) {
			throw new AssertionError("/actuator/prometheus answered " + response.status() + ": " + response.body());
		}
		return new Prometheus(response.body());
	}

	/**
	 * The value of a sample, e.g. {@code value("snplab_jobs", "state=\"queued\"")}; the labels given must be the
	 * sample's only ones (Micrometer writes them sorted by name).
	 */
	public double value(String name, String labels) {
		String series = labels.isEmpty() ? name : name + "{" + labels + ",?}";
		Matcher sample = Pattern.compile("^" + Pattern.quote(name) + (labels.isEmpty() ? "" : "\\{" + Pattern.quote(labels) + ",?\\}")
				+ " (\\S+)$", Pattern.MULTILINE).matcher(text);
		if (!sample.find()) {
			throw new AssertionError("no sample " + series + " in /actuator/prometheus");
		}
		return Double.parseDouble(sample.group(1));
	}

	/** Like {@link #value}, or 0 when the series doesn't exist yet (a counter never incremented). */
	public double valueOrZero(String name, String labels) {
		try {
			return value(name, labels);
		}
		catch (AssertionError absent) {
			return 0;
		}
	}
}
