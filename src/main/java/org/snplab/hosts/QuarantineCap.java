package org.snplab.hosts;

import java.util.List;

/**
 * Whether automatic quarantine is being held back by {@code snplab.health.max-unhealthy}: what the dashboard's
 * banner says.
 *
 * @param out enabled hosts quarantined now
 * @param enabled enabled hosts
 * @param keptInService hosts that failing would have quarantined, with why, kept in service by the cap
 */
public record QuarantineCap(int out, int enabled, List<KeptHost> keptInService) {

	public record KeptHost(long id, String name, String reason) {
	}

	public boolean stopped() {
		return !keptInService.isEmpty();
	}

	/** "quarantine stopped: 2 of 4 hosts already out — a broken test, kernel or firmware?" */
	public String banner() {
		return "quarantine stopped: " + out + " of " + enabled + " hosts already out — a broken test, kernel or firmware?";
	}
}
