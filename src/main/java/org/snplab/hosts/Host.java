package org.snplab.hosts;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * A donated machine running an agent.
 *
 * @param facts what the agent probed, e.g. {@code cpu.generation=genoa}, {@code sev_snp=true}
 * @param labels the agent's labels overlaid with those an admin set
 * @param modeReason why snplab took the host out of service ({@link Mode#QUARANTINED}), else null
 * @param reservation who has the host to themselves now, and until when; null when nobody has (or it expired)
 * @param health the outcome of its last health check or facts change
 * @param address where other hosts reach it, as its agent reports it ({@code --address}); null if it didn't
 */
public record Host(long id, String name, boolean enabled, Mode mode, Status status, int slots,
		Map<String, String> facts, Map<String, String> labels, Instant lastSeen, String modeReason,
		Reservation reservation, Health health, String address) {

	/** A host whose agent reported no address. */
	public Host(long id, String name, boolean enabled, Mode mode, Status status, int slots, Map<String, String> facts,
			Map<String, String> labels, Instant lastSeen, String modeReason, Reservation reservation, Health health) {
		this(id, name, enabled, mode, status, slots, facts, labels, lastSeen, modeReason, reservation, health, null);
	}

	/**
	 * The label every host carries implicitly, with its own name as value: a job requiring
	 * {@code snplab.health-check=<name>} (a health check) can only be placed on that host, and is the only kind of
	 * job a host that doesn't {@link Health#admitsJobs admit jobs} is given.
	 */
	public static final String HEALTH_CHECK_LABEL = "snplab.health-check";

	/** A host with a reservation, of unchecked health that admits jobs. */
	public Host(long id, String name, boolean enabled, Mode mode, Status status, int slots, Map<String, String> facts,
			Map<String, String> labels, Instant lastSeen, String modeReason, Reservation reservation) {
		this(id, name, enabled, mode, status, slots, facts, labels, lastSeen, modeReason, reservation, Health.UNCHECKED);
	}

	/** A host without a reservation. */
	public Host(long id, String name, boolean enabled, Mode mode, Status status, int slots, Map<String, String> facts,
			Map<String, String> labels, Instant lastSeen, String modeReason) {
		this(id, name, enabled, mode, status, slots, facts, labels, lastSeen, modeReason, null);
	}

	/**
	 * A maintainer has the host to themselves until {@code until}: it finishes its running jobs and takes no new one.
	 *
	 * @param jobId for a hold-on-failure, the failed job whose workspace is kept on the host; else null
	 */
	public record Reservation(String by, Instant until, String reason, Long jobId) {
	}

	/**
	 * What its last health check (or a change in its facts) found.
	 *
	 * @param reason why it is bad; null otherwise
	 * @param checkedAt when its last check ended, or its facts turned it bad; null before any
	 * @param jobId the check's job, whose log says more; null for a facts change or before any check
	 * @param admitsJobs whether it may run jobs other than its own health check: a good host; an unknown one unless
	 *        new hosts are checked first ({@code snplab.health.check-new-hosts}); a bad one the quarantine cap keeps
	 *        in service
	 */
	public record Health(HealthState state, String reason, Instant checkedAt, Long jobId, boolean admitsJobs) {

		/** Never checked, and taking jobs: hosts built outside the registry. */
		public static final Health UNCHECKED = new Health(HealthState.UNKNOWN, null, null, null, true);
	}

	/** The outcome of a host's health checks, apart from its mode and status. */
	public enum HealthState {
		/** Not checked yet. */
		UNKNOWN,
		/** Its last check passed. */
		GOOD,
		/** Its last check failed, or its facts changed for the worse (SNP turned off, firmware downgraded). */
		BAD;

		public String value() {
			return name().toLowerCase();
		}
	}

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
		QUARANTINED;

		/** The stored and shown text: {@code active}, {@code maintenance}, ... */
		public String value() {
			return name().toLowerCase(Locale.ROOT);
		}

		/** The mode stored as {@code value}. */
		public static Mode of(String value) {
			return Mode.valueOf(value.toUpperCase(Locale.ROOT));
		}
	}

	/** Whether its agent is heard from. */
	public enum Status {
		/** Heartbeats arrive. */
		ONLINE,
		/** No heartbeat for a while, or a job's lease expired on it. */
		OFFLINE;

		/** The stored and shown text: {@code online} or {@code offline}. */
		public String value() {
			return name().toLowerCase(Locale.ROOT);
		}

		/** The status stored as {@code value}. */
		public static Status of(String value) {
			return Status.valueOf(value.toUpperCase(Locale.ROOT));
		}
	}

	/**
	 * Whether the host may be handed a new job now: enabled, active and not reserved. Its health decides which jobs
	 * ({@link #admitsJobs()}): one that isn't good is handed only its own health check.
	 */
	public boolean takesWork() {
		return enabled && mode == Mode.ACTIVE && reservation == null;
	}

	/** Its labels with the implicit {@link #HEALTH_CHECK_LABEL}: what a job's {@code requires} is matched against. */
	public Map<String, String> matchLabels() {
		Map<String, String> all = new java.util.HashMap<>(labels);
		all.put(HEALTH_CHECK_LABEL, name);
		return all;
	}

	/** Whether the host takes jobs other than its health check: it {@link #takesWork() takes work} and is healthy. */
	public boolean admitsJobs() {
		return takesWork() && health.admitsJobs();
	}

	/** One word for pages and the API: disabled, offline, draining, maintenance, quarantined, reserved or online. */
	public String state() {
		if (!enabled) {
			return "disabled";
		}
		if (status == Status.OFFLINE) {
			return Status.OFFLINE.value();
		}
		if (mode == Mode.ACTIVE && reservation != null) {
			return "reserved";
		}
		return mode == Mode.ACTIVE ? Status.ONLINE.value() : mode.value();
	}
}
