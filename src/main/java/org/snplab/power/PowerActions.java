package org.snplab.power;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.ConflictException;
import org.snplab.NotFoundException;
import org.snplab.hosts.Host;
import org.snplab.hosts.HostHistory;
import org.snplab.hosts.HostRegistry;
import org.snplab.notify.Notifications;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Service;

/**
 * Runs a power action on a host: reads the state first (so {@code on} of a host that is on does nothing), asks the
 * BMC, checks that {@code on} and {@code off} took, and tries again a bounded number of times, with a quiet period
 * between any two operations. Every action is recorded on the host's timeline (who, why, the outcome and the BMC's
 * answers); a power cycle, done or failed, is notified.
 */
@Service
public class PowerActions {

	private static final Logger log = LoggerFactory.getLogger(PowerActions.class);

	private final PowerSettingsStore settings;

	private final HostRegistry hosts;

	private final HostHistory history;

	private final Notifications notifications;

	private final PowerProperties properties;

	private final JsonMapper json;

	/** One action at a time per host on this server: two at once would interleave their operations on the BMC. */
	private final Map<Long, ReentrantLock> locks = new ConcurrentHashMap<>();

	PowerActions(PowerSettingsStore settings, HostRegistry hosts, HostHistory history, Notifications notifications,
			PowerProperties properties, JsonMapper json) {
		this.settings = settings;
		this.hosts = hosts;
		this.history = history;
		this.notifications = notifications;
		this.properties = properties;
		this.json = json;
	}

	/**
	 * What became of a power action.
	 *
	 * @param done whether it succeeded (for status: the state was read)
	 * @param state the power state last read, {@code on} or {@code off}; null if none could be read
	 * @param summary one line, e.g. "power cycle: done" or "power on: nothing to do, it is on"
	 * @param answers the BMC's answers, in order
	 */
	public record Outcome(String action, boolean done, String state, String summary, int attempts, List<String> answers) {
	}

	/** Whether the host has power settings, so that it can be power-cycled. */
	public boolean configured(long hostId) {
		return settings.view(hostId).isPresent();
	}

	/**
	 * Runs the action and records it.
	 *
	 * @throws NotFoundException for an unknown host; ConflictException without power settings or while another
	 *         action on the host runs
	 */
	public Outcome run(long hostId, PowerAction action, String actor, String reason) {
		Host host = hosts.find(hostId).orElseThrow(() -> new NotFoundException("no host with id " + hostId));
		PowerSettingsStore.Stored stored = settings.find(hostId)
			.orElseThrow(() -> new ConflictException("host " + host.name() + " has no power settings: PUT /api/hosts/"
					+ hostId + "/power first"));
		ReentrantLock lock = locks.computeIfAbsent(hostId, id -> new ReentrantLock());
		if (!lock.tryLock()) {
			throw new ConflictException("another power action on host " + host.name() + " is under way");
		}
		try {
			Outcome outcome = attempt(driver(stored, host), action);
			String reasonText = reason == null || reason.isBlank() ? null : reason.strip();
			history.record(hostId, "power-" + action.word(), actor, outcome.summary(), reasonText,
					String.join("\n", outcome.answers()));
			if (action == PowerAction.CYCLE) {
				notifyCycle(host, outcome, actor, reasonText);
			}
			log.info("Host {}: {} ({} attempt(s), by {})", host.name(), outcome.summary(), outcome.attempts(), actor);
			return outcome;
		}
		finally {
			lock.unlock();
		}
	}

	private Outcome attempt(PowerDriver driver, PowerAction action) {
		List<String> answers = new ArrayList<>();
		String state = null;
		String problem = null;
		boolean requested = false;
		int attempts = Math.max(1, properties.attempts());
		for (int attempt = 1; attempt <= attempts; attempt++) {
			if (attempt > 1) {
				quietPeriod();
			}
			try {
				PowerDriver.Reading before = driver.status();
				answers.add(before.answer());
				state = word(before.on());
				if (action == PowerAction.STATUS) {
					return new Outcome(action.word(), true, state, "power status: " + state, attempt, answers);
				}
				boolean wanted = action != PowerAction.OFF;
				if (action != PowerAction.CYCLE && before.on() == wanted) {
					// After an earlier attempt's request, the BMC just took longer than that attempt's checks.
					return new Outcome(action.word(), true, state, "power " + action.word() + (requested ? ": done"
							: ": nothing to do, it is " + state), attempt, answers);
				}
				// A host that is off is cycled by powering it on: a BMC may refuse to cycle what is off.
				PowerAction request = action == PowerAction.CYCLE && !before.on() ? PowerAction.ON : action;
				quietPeriod();
				answers.add(driver.request(request));
				requested = true;
				if (action == PowerAction.CYCLE) {
					return new Outcome(action.word(), true, state, before.on() ? "power cycle: done"
							: "power cycle: done (it was off: powered on)", attempt, answers);
				}
				// A BMC takes a moment to act (the host's OS may first be asked to shut down): check a few times.
				for (int check = 1; check <= attempts; check++) {
					quietPeriod();
					PowerDriver.Reading after = driver.status();
					state = word(after.on());
					if (after.on() == wanted) {
						answers.add(after.answer());
						return new Outcome(action.word(), true, state, "power " + action.word() + ": done", attempt, answers);
					}
					if (check == attempts) {
						answers.add(after.answer());
					}
				}
				problem = "still " + state + " after the request";
			}
			catch (PowerFailure ex) {
				answers.add(ex.getMessage());
				problem = ex.getMessage();
			}
		}
		return new Outcome(action.word(), false, state, "power " + action.word() + ": failed after " + attempts
				+ " attempt(s): " + problem, attempts, answers);
	}

	private void notifyCycle(Host host, Outcome outcome, String actor, String reason) {
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("host", host.name());
		fields.put("hostId", host.id());
		fields.put("actor", actor);
		fields.put("reason", reason);
		fields.put("outcome", outcome.done() ? "done" : "failed");
		fields.put("answers", outcome.answers());
		notifications.send(outcome.done() ? "power-cycle-done" : "power-cycle-failed",
				"Host " + host.name() + ": " + outcome.summary() + " (by " + actor + (reason == null ? "" : ": " + reason)
						+ ")", fields);
	}

	private PowerDriver driver(PowerSettingsStore.Stored stored, Host host) {
		Duration timeout = properties.commandTimeout();
		PowerSettings settings = stored.settings();
		if (settings instanceof PowerSettings.Ipmi ipmi) {
			return new IpmiDriver(ipmi, stored.password(), timeout);
		}
		if (settings instanceof PowerSettings.Redfish redfish) {
			return new RedfishDriver(redfish, stored.password(), timeout, json);
		}
		return new CommandDriver((PowerSettings.Command) settings, host.name(), timeout);
	}

	private void quietPeriod() {
		try {
			Thread.sleep(properties.quietPeriod().toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static String word(boolean on) {
		return on ? "on" : "off";
	}
}
