package org.snplab.power;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.snplab.ConflictException;
import org.snplab.InvalidInputException;
import org.snplab.hosts.HostHistory;
import org.snplab.secrets.SecretEncryptor;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Each host's power settings ({@code host_power}): the fields in plain JSON, the password encrypted with
 * {@code snplab.secrets-key} like repositories' secrets, and never shown back.
 */
@Service
public class PowerSettingsStore {

	private static final TypeReference<Map<String, Object>> FIELDS = new TypeReference<>() {
	};

	private final JdbcClient db;

	private final JsonMapper json;

	private final SecretEncryptor encryptor;

	private final HostHistory history;

	PowerSettingsStore(JdbcClient db, JsonMapper json, SecretEncryptor encryptor, HostHistory history) {
		this.db = db;
		this.json = json;
		this.encryptor = encryptor;
		this.history = history;
	}

	/**
	 * Replaces the host's settings with those sent. A PUT without a password keeps the stored one if the driver
	 * stays the same (so a form need not show it again); otherwise a driver that needs one refuses it missing.
	 */
	@Transactional
	public Map<String, Object> save(long hostId, Map<String, Object> body, String actor) {
		PowerSettings.Sent sent = PowerSettings.read(body);
		PowerSettings settings = sent.settings();
		Optional<Row> old = row(hostId);
		String storedPassword = null;
		if (settings.needsPassword()) {
			if (sent.password() != null) {
				storedPassword = encryptor.encrypt(sent.password());
			}
			else if (old.isPresent() && old.get().driver.equals(settings.driver()) && old.get().password != null) {
				storedPassword = old.get().password;
			}
			else {
				throw new InvalidInputException("password is required for driver " + settings.driver());
			}
		}
		db.sql("""
				insert into host_power (host_id, driver, settings, password, updated_by) values (?, ?, ?::jsonb, ?, ?)
				on conflict (host_id) do update set driver = excluded.driver, settings = excluded.settings,
				  password = excluded.password, updated_by = excluded.updated_by, updated_at = now()""")
			.params(hostId, settings.driver(), json.writeValueAsString(settings.fields()), storedPassword, actor)
			.update();
		history.record(hostId, "power-settings", actor, "power settings: driver " + settings.driver()
				+ (sent.password() != null ? ", new password" : ""), null, null);
		return view(hostId).orElseThrow();
	}

	/** The settings as anyone allowed to see them does: {@code "password": "set"} (or {@code "unreadable"}), never it. */
	public Optional<Map<String, Object>> view(long hostId) {
		return row(hostId).map(row -> {
			Map<String, Object> view = new LinkedHashMap<>(row.fields);
			if (row.password != null) {
				view.put("password", readable(row.password) ? "set" : "unreadable");
			}
			view.put("updatedBy", row.updatedBy);
			return view;
		});
	}

	/** The host's settings with the password decrypted, for a driver; empty when it has none. */
	Optional<Stored> find(long hostId) {
		return row(hostId).map(row -> {
			try {
				return new Stored(PowerSettings.stored(row.fields),
						row.password == null ? null : encryptor.decrypt(row.password));
			}
			catch (SecretEncryptor.UnreadableSecretException ex) {
				throw new ConflictException("the power password of host " + hostId + " " + ex.getMessage()
						+ ": enter it again (PUT /api/hosts/" + hostId + "/power)");
			}
		});
	}

	record Stored(PowerSettings settings, String password) {
	}

	private boolean readable(String stored) {
		try {
			encryptor.decrypt(stored);
			return true;
		}
		catch (SecretEncryptor.UnreadableSecretException ex) {
			return false;
		}
	}

	private Optional<Row> row(long hostId) {
		return db.sql("select driver, settings::text, password, updated_by from host_power where host_id = ?")
			.param(hostId)
			.query((rs, i) -> new Row(rs.getString(1), json.readValue(rs.getString(2), FIELDS), rs.getString(3),
					rs.getString(4)))
			.optional();
	}

	private record Row(String driver, Map<String, Object> fields, String password, String updatedBy) {
	}
}
