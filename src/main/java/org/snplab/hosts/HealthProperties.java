package org.snplab.hosts;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code snplab.health.*}.
 *
 * @param maxUnhealthy the most enabled hosts automatic quarantine may have out at once: a percentage of the enabled
 *        hosts ({@code 30%}, rounded up) or a count ({@code 2}); never the last good host either way. Past it, a
 *        failing host stays in service: when many hosts fail at once, the cause is more likely a broken test, kernel
 *        or firmware than the hosts (Cluster API's {@code maxUnhealthy}).
 * @param steps the health check's shell commands, run on the host like a job's steps (in an empty workspace); the
 *        default checks that SNP is still enabled and that /dev/sev opens; a lab may boot a small SNP guest instead
 * @param interval how often each online host is checked
 * @param timeout how long a check may run before it fails as {@code timed_out}
 * @param checkNewHosts a new host takes no job until its first check passed
 * @param enabled false: snplab queues no check by itself (only {@code POST /api/hosts/{id}/health-check} does)
 */
@ConfigurationProperties("snplab.health")
public record HealthProperties(@DefaultValue("30%") String maxUnhealthy,
		@DefaultValue({ "test -c /dev/sev", ": < /dev/sev", "grep -qx Y /sys/module/kvm_amd/parameters/sev_snp" }) List<String> steps,
		@DefaultValue("24h") Duration interval, @DefaultValue("10m") Duration timeout,
		@DefaultValue("true") boolean checkNewHosts, @DefaultValue("true") boolean enabled) {

	/** Checked at start, so a typo stops the server with the key's name rather than at the first quarantine. */
	public HealthProperties {
		allowedOut(maxUnhealthy, 1);
		steps = steps == null ? List.of() : List.copyOf(steps);
		if (steps.isEmpty() || steps.stream().anyMatch(step -> step == null || step.isBlank())) {
			throw new IllegalArgumentException("snplab.health.steps must list one or more shell commands, got " + steps);
		}
		if (interval.isNegative() || interval.isZero() || timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("snplab.health.interval and snplab.health.timeout must be positive, got "
					+ interval + " and " + timeout);
		}
	}

	/** This cap, the other keys at their defaults. */
	public static HealthProperties withCap(String maxUnhealthy) {
		return new HealthProperties(maxUnhealthy,
				List.of("test -c /dev/sev", ": < /dev/sev", "grep -qx Y /sys/module/kvm_amd/parameters/sev_snp"),
				Duration.ofHours(24), Duration.ofMinutes(10), true, true);
	}

	/** How many of {@code enabled} hosts may be quarantined at once. */
	public int allowedOut(int enabled) {
		return allowedOut(maxUnhealthy, enabled);
	}

	private static int allowedOut(String maxUnhealthy, int enabled) {
		String text = maxUnhealthy == null ? "" : maxUnhealthy.strip();
		try {
			if (text.endsWith("%")) {
				int percent = Integer.parseInt(text.substring(0, text.length() - 1).strip());
				if (percent >= 0 && percent <= 100) {
					return (int) Math.ceil(enabled * percent / 100.0);
				}
			}
			else {
				int count = Integer.parseInt(text);
				if (count >= 0) {
					return count;
				}
			}
		}
		catch (NumberFormatException e) {
			// refused below
		}
		throw new IllegalArgumentException("snplab.health.max-unhealthy must be a percentage (0% to 100%, e.g. 30%) or a "
				+ "count of hosts (e.g. 2), got '" + maxUnhealthy + "'");
	}
}
