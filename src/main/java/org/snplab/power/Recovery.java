package org.snplab.power;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.health.HealthChecks;
import org.snplab.hosts.Host;
import org.snplab.hosts.HostHistory;
import org.snplab.hosts.HostHealth;
import org.snplab.hosts.HostHeartbeats;
import org.snplab.hosts.HostJobs;
import org.snplab.hosts.HostRegistry;
import org.snplab.hosts.Quarantine;
import org.snplab.notify.Notifications;

import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Brings back wedged hosts without a person at the machine. A host silent for {@code snplab.power.recover-after}
 * while it had work (a job on it, or one lost on it since it was last heard) is power-cycled, at most
 * {@code max-cycles-per-day} times in 24 hours; it takes no job until its agent polls again. If the agent isn't back
 * {@code come-back-within} after the cycle, the host is quarantined and the admins are told. A host whose health
 * check failed is power-cycled too (once per failed check, within the same bounds) and checked again on its return. A host in maintenance,
 * reserved by a person, disabled, or without power settings is never cycled: the admins are told once instead. Nothing is judged within
 * one {@code recover-after} of the server's start or the database's return. Each decision reads the
 * injected clock and the host's timeline, so a pass can run anywhere, any time, and repeat safely.
 */
@Component
class Recovery {

	private static final Logger log = LoggerFactory.getLogger(Recovery.class);

	static final String CYCLE = "power-cycle";

	static final String REFUSED = "recovery-refused";

	private final Clock clock;

	private final PowerProperties properties;

	private final PowerActions actions;

	private final HostRegistry hosts;

	private final HostHealth hostHealth;

	private final Quarantine quarantine;

	private final HostHistory history;

	private final Notifications notifications;

	private final HealthChecks healthChecks;

	private final HostHeartbeats heartbeats;

	private final HostJobs hostJobs;

	Recovery(Clock clock, PowerProperties properties, PowerActions actions, HostRegistry hosts, HostHealth hostHealth,
			HostHeartbeats heartbeats, HostJobs hostJobs, Quarantine quarantine, HostHistory history,
			Notifications notifications, HealthChecks healthChecks) {
		this.heartbeats = heartbeats;
		this.hostJobs = hostJobs;
		this.hostHealth = hostHealth;
		this.quarantine = quarantine;
		this.healthChecks = healthChecks;
		this.clock = clock;
		this.properties = properties;
		this.actions = actions;
		this.hosts = hosts;
		this.history = history;
		this.notifications = notifications;
		this.judgeFrom = clock.instant().plus(properties.recoverAfter());
	}

	/**
	 * Silence is judged only from one {@code recover-after} past the server's start or the database's return: agents
	 * could not heartbeat while either was down, and must not all be power-cycled for it.
	 */
	private volatile Instant judgeFrom;

	/** One pass over the silent hosts that had work. */
	void run() {
		Instant now = clock.instant();
		if (now.isBefore(judgeFrom)) {
			return;
		}
		List<Silent> silent;
		try {
			silent = silentHostsWithWork(now.minus(properties.recoverAfter()));
		}
		catch (DataAccessException ex) {
			judgeFrom = now.plus(properties.recoverAfter());
			log.warn("Can't look for silent hosts: {}", ex.getMessage());
			return;
		}
		for (Silent host : silent) {
			try {
				recover(host, now);
			}
			catch (RuntimeException ex) {
				log.warn("Recovery of host {} failed: {}", host.name, ex.getMessage());
			}
		}
		for (Silent host : hostsThatFailedTheirCheck()) {
			try {
				recoverFailedCheck(host, now);
			}
			catch (RuntimeException ex) {
				log.warn("Recovery of host {} failed: {}", host.name, ex.getMessage());
			}
		}
	}

	/**
	 * A host whose health check failed (not one the quarantine cap keeps in service, nor one still running a job) is
	 * power-cycled once per failed check, within the daily bound; on its return its next check decides.
	 * {@code lastSeen} here is when the check failed.
	 */
	private void recoverFailedCheck(Silent host, Instant now) {
		if (lastAutomaticCycleSince(host.id, host.lastSeen).isPresent()) {
			return; // cycled since the check failed: its next check decides
		}
		String refusal = refusal(host, now);
		if (refusal != null) {
			refuseOnce(host, refusal, "its health check failed, not power-cycled: ");
			return;
		}
		String reason = "its health check failed";
		actions.run(host.id, PowerAction.CYCLE, HostHistory.SNPLAB, reason);
		hostHealth.awaitCheck(host.id, "power-cycled by snplab (" + reason + "): takes no job until a health check passes");
		healthChecks.request(host.id, "after an automatic power cycle");
	}

	private void recover(Silent host, Instant now) {
		Optional<Instant> cycled = lastAutomaticCycleSince(host.id, host.lastSeen);
		if (cycled.isPresent()) {
			if (now.isAfter(cycled.get().plus(properties.comeBackWithin()))) {
				quarantine.quarantine(host.id, "quarantined: its agent was not back within "
						+ human(properties.comeBackWithin()) + " of its automatic power cycle");
			}
			return; // cycled: waiting for its agent
		}
		String refusal = refusal(host, now);
		if (refusal != null) {
			refuseOnce(host, refusal, "silent while it had work, not power-cycled: ");
			return;
		}
		String reason = "silent for " + human(Duration.between(host.lastSeen, now)) + " while it had work";
		actions.run(host.id, PowerAction.CYCLE, HostHistory.SNPLAB, reason);
		// Back online, it runs its health check first (queued by its first heartbeat) and takes work once that passed.
		hostHealth.awaitCheck(host.id, "power-cycled by snplab (" + reason + "): takes no job until a health check passes");
	}

	/** Why the host must not be cycled, or null. */
	private String refusal(Silent host, Instant now) {
		if (!host.enabled) {
			return "it is disabled";
		}
		if (host.mode == Host.Mode.MAINTENANCE) {
			return "it is in maintenance";
		}
		// A person may be at work on it (debugging, or a failed job's kept workspace): never pull the plug under them.
		Host.Reservation reservation = hosts.find(host.id).map(Host::reservation).orElse(null);
		if (reservation != null) {
			return "it is reserved by " + reservation.by() + " until " + reservation.until();
		}
		if (!actions.configured(host.id)) {
			return "it has no power settings";
		}
		int cycles = history.count(host.id, CYCLE, HostHistory.SNPLAB, now.minus(Duration.ofDays(1)));
		if (cycles >= properties.maxCyclesPerDay()) {
			return "it was power-cycled automatically " + cycles + " time(s) in 24 hours (snplab.power.max-cycles-per-day)";
		}
		return null;
	}

	/** Records and notifies a refusal once per silence: not again until the host was heard from. */
	private void refuseOnce(Silent host, String refusal, String situation) {
		if (history.count(host.id, REFUSED, HostHistory.SNPLAB, host.lastSeen) > 0) {
			return;
		}
		String summary = situation + refusal;
		history.record(host.id, REFUSED, HostHistory.SNPLAB, summary, null, null);
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("host", host.name);
		fields.put("hostId", host.id);
		fields.put("refusal", refusal);
		notifications.send("host-needs-a-person", "Host " + host.name + " is " + summary + "; it needs a person", fields);
	}

	private Optional<Instant> lastAutomaticCycleSince(long hostId, Instant since) {
		return history.latest(hostId, CYCLE, HostHistory.SNPLAB, since);
	}

	/** Hosts whose health check failed and that run nothing now; {@code lastSeen} is when the check failed. */
	private List<Silent> hostsThatFailedTheirCheck() {
		return hostHealth.failedChecks().stream()
			.filter(h -> hostJobs.active(h.hostId()) == 0)
			.map(h -> new Silent(h.hostId(), h.name(), h.mode(), h.enabled(), h.checkedAt()))
			.toList();
	}

	/**
	 * Hosts last heard before the cutoff that had work: a job assigned or running, or an attempt lost to
	 * infrastructure since their last heartbeat. {@code lastSeen} is when they were last heard.
	 */
	private List<Silent> silentHostsWithWork(Instant cutoff) {
		return heartbeats.silentSince(cutoff).stream()
			.filter(h -> hostJobs.active(h.hostId()) > 0 || hostJobs.lostAttemptSince(h.hostId(), h.lastSeen()))
			.map(h -> new Silent(h.hostId(), h.name(), h.mode(), h.enabled(), h.heardAt()))
			.toList();
	}

	private static String human(Duration duration) {
		long minutes = duration.toMinutes();
		return minutes >= 1 ? minutes + " min" : duration.toSeconds() + " s";
	}

	private record Silent(long id, String name, Host.Mode mode, boolean enabled, Instant lastSeen) {
	}
}
