package org.snplab.hosts;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.ConflictException;
import org.snplab.InvalidInputException;
import org.snplab.NotFoundException;
import org.snplab.StoredText;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What admins do to a host (enable, disable, drain, maintenance, back to service, remove), each recorded on the
 * host's timeline with who did it and why. The API and the host page both act through here.
 */
@Service
public class HostAdministration {

	private static final Logger log = LoggerFactory.getLogger(HostAdministration.class);

	private final JdbcClient db;

	private final JsonMapper json;

	private final HostRegistry hosts;

	private final HostJobs jobs;

	private final HostHistory history;

	private final HealthProperties health;

	private final ApplicationEventPublisher events;

	HostAdministration(JdbcClient db, JsonMapper json, HostRegistry hosts, HostJobs jobs, HostHistory history,
			HealthProperties health, ApplicationEventPublisher events) {
		this.db = db;
		this.json = json;
		this.hosts = hosts;
		this.jobs = jobs;
		this.history = history;
		this.health = health;
		this.events = events;
	}

	/**
	 * @param action enable, disable, drain, maintenance or activate
	 * @param reason why, as the admin gave it; may be null
	 */
	@Transactional
	public Host act(long id, String action, String actor, String reason) {
		Host before = hosts.find(id).orElseThrow(() -> new NotFoundException("no host with id " + id));
		Host after = switch (action) {
			case "enable" -> setEnabled(id, true);
			case "disable" -> setEnabled(id, false);
			case "drain" -> setMode(id, Host.Mode.DRAINING);
			case "maintenance" -> setMode(id, Host.Mode.MAINTENANCE);
			case "activate" -> setMode(id, Host.Mode.ACTIVE);
			default -> throw new InvalidInputException("unknown host action " + action
					+ "; one of enable, disable, drain, maintenance, activate");
		};
		boolean backInService = "activate".equals(action) && before.mode() != Host.Mode.ACTIVE;
		history.record(id, backInService ? "back-in-service" : action, actor, summary(action, before, after),
				blankToNull(reason), null);
		return after;
	}

	/** Removes the host (refused while it runs a job); its timeline stays in the database with its name. */
	@Transactional
	public void remove(long id, String actor, String reason) {
		remove(id);
		history.record(id, "removed", actor, "removed from the lab", blankToNull(reason), null);
	}

	/** The labels admins give the host, besides (and over) those its agent reports. */
	public Host setAdminLabels(long id, Map<String, String> labels) {
		return update(id, "update host set admin_labels = ?::jsonb where id = ?",
				json.writeValueAsString(StoredText.of(labels)));
	}

	private Host setEnabled(long id, boolean enabled) {
		return update(id, "update host set enabled = ? where id = ?", enabled);
	}

	/** An admin's choice of mode; it clears a quarantine's reason, and the host's infra_error count starts anew. */
	private Host setMode(long id, Host.Mode mode) {
		if (mode == Host.Mode.ACTIVE && health.enabled()) {
			events.publishEvent(new HealthCheckWanted(id, "put back in service"));
		}
		return update(id, "update host set mode = ?, mode_reason = null, mode_changed_at = now(), quarantine_stopped = null, "
				+ "quarantine_stopped_at = null where id = ?",
				mode.value());
	}

	/**
	 * Removes a host that left the lab: its credential stops working (on other server instances within seconds), it
	 * leaves the lists, and job history keeps its name. Refused while it runs a job: drain it first. An agent
	 * registering under its name later is a new host.
	 */
	private void remove(long id) {
		Host host = hosts.find(id).orElseThrow(() -> new NotFoundException("no host with id " + id));
		db.sql("select id from host where id = ? for update").param(id).query(Long.class).single();
		int running = jobs.active(id);
		if (running > 0) {
			throw new ConflictException("host " + host.name() + " runs " + running
					+ " job(s): drain it and wait for them to finish before removing it");
		}
		// Not a SHA-256 hex digest, so no credential can ever match it again.
		db.sql("update host set removed_at = now(), enabled = false, token_hash = ? where id = ?")
			.params("removed:" + HostCredentials.newCredential(), id)
			.update();
		hosts.forgetCredential(id);
		hosts.forget(id);
		log.info("Host {} ({}) removed", host.name(), id);
		events.publishEvent(new HostChanged(id));
	}

	private Host update(long id, String sql, Object value) {
		if (db.sql(sql).params(value, id).update() == 0) {
			throw new NotFoundException("no host with id " + id);
		}
		events.publishEvent(new HostChanged(id));
		return hosts.fresh(id);
	}

	private static String summary(String action, Host before, Host after) {
		return switch (action) {
			case "enable" -> "enabled";
			case "disable" -> "disabled";
			case "drain" -> "draining: finishes its jobs, takes no new one";
			case "maintenance" -> "in maintenance";
			default -> before.mode() == Host.Mode.ACTIVE ? "put in service (it was already)"
					: "back in service (was " + before.mode().value() + ")";
		} + (before.state().equals(after.state()) ? "" : "; " + before.state() + " → " + after.state());
	}

	private static String blankToNull(String text) {
		return text == null || text.isBlank() ? null : text.strip();
	}
}
