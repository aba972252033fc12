package org.snplab.hosts;

import java.time.Instant;
import java.util.Map;

/**
 * A donated machine running an agent.
 *
 * @param facts what the agent probed, e.g. {@code cpu.generation=genoa}, {@code sev_snp=true}
 * @param labels the agent's labels overlaid with those an admin set
 * @param modeReason why snplab took the host out of service ({@link Mode#QUARANTINED}), else null
 */
public record Host(long id, String name, boolean enabled, Mode mode, Status status, int slots,
		Map<String, String> facts, Map<String, String> labels, Instant lastSeen, String modeReason) {

	/** What an admin wants of the host. */
	public enum Mode {
		/** Takes new jobs. */
		ACTIVE,
		/** Finishes its current jobs, takes no new one. */
		DRAINING,
		/** Out of service: takes no job until put back. */
		MAINTENANCE,
		/**
		 * Taken out of service by snplab: its last attempts all ended in {@code infra_error}. Takes no job until an
		 * admin puts it back.
		 */
		QUARANTINED
	}

	/** Whether its agent is heard from. */
	public enum Status {
		/** Heartbeats arrive. */
		ONLINE,
		/** No heartbeat for a while, or a job's lease expired on it. */
		OFFLINE
	}

	/** Whether the host may be handed a new job now. */
	public boolean takesWork() {
		return enabled && mode == Mode.ACTIVE;
	}

	/** One word for pages and the API: disabled, offline, draining, maintenance, quarantined or online. */
	public String state() {
		if (!enabled) {
			return "disabled";
		}
		if (status == Status.OFFLINE) {
			return "offline";
		}
		return mode == Mode.ACTIVE ? "online" : mode.name().toLowerCase();
	}
}
