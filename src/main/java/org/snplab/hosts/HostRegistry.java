package org.snplab.hosts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.RequestException;
import org.snplab.SnplabProperties;
import org.snplab.StoredText;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Registers agents, authenticates them by their per-host credential and keeps their facts.
 * <p>
 * Credentials are random 256-bit tokens, so a SHA-256 of them is a safe lookup key (no need for a slow password
 * hash): the server can check thousands of agent calls a second.
 */
@Service
public class HostRegistry {

	private static final Logger log = LoggerFactory.getLogger(HostRegistry.class);

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final String COLUMNS = "id, name, enabled, mode, status, slots, facts::text, (labels || admin_labels)::text, last_seen, mode_reason";

	private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
	};

	/**
	 * How long a credential's host and a host read from the database are reused: admin changes, and a credential
	 * replaced by a re-registration, take effect on every server instance within this time.
	 */
	private static final long MAX_AGE_NANOS = Duration.ofSeconds(3).toNanos();

	private final JdbcClient db;

	private final JsonMapper json;

	private final SnplabProperties properties;

	private final Map<String, CachedId> hostIdByTokenHash = new ConcurrentHashMap<>();

	private final Map<Long, Cached> hosts = new ConcurrentHashMap<>();

	private final ApplicationEventPublisher events;

	private final RegistrationToken registrationToken;

	HostRegistry(JdbcClient db, JsonMapper json, SnplabProperties properties, ApplicationEventPublisher events,
			RegistrationToken registrationToken) {
		this.registrationToken = registrationToken;
		this.events = events;
		this.db = db;
		this.json = json;
		this.properties = properties;
	}

	/**
	 * Registers a new host, or re-registers one of the same name (its agent lost its credential) with a fresh
	 * credential, which replaces the old one. Without auto-enable a re-registered host is disabled again until an
	 * admin enables it: the shared registration token alone must not take over a host admins approved.
	 */
	@Transactional
	public Registration register(String registrationToken, String name, int slots, Map<String, String> labels,
			Map<String, String> facts) {
		if (!this.registrationToken.matches(registrationToken)) {
			throw RequestException.unauthorized("registration token rejected");
		}
		if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
			throw RequestException.badRequest(
					"host name must be 1-63 letters, digits, '.', '_' or '-', got " + name);
		}
		if (slots < 1 || slots > 64) {
			throw RequestException.badRequest("slots must be between 1 and 64, got " + slots);
		}
		String credential = newCredential();
		long id = db.sql("""
				insert into host (name, token_hash, enabled, slots, labels, facts)
				values (:name, :hash, :enabled, :slots, :labels::jsonb, :facts::jsonb)
				on conflict (name) where removed_at is null do update set token_hash = excluded.token_hash, slots = excluded.slots,
				  labels = excluded.labels, facts = excluded.facts, status = 'online', last_seen = now(),
				  enabled = host.enabled and excluded.enabled
				returning id""")
			.param("name", name)
			.param("hash", sha256(credential))
			.param("enabled", properties.agent().autoEnable())
			.param("slots", slots)
			.param("labels", json.writeValueAsString(StoredText.of(labels)))
			.param("facts", json.writeValueAsString(StoredText.of(facts)))
			.query(Long.class)
			.single();
		hostIdByTokenHash.values().removeIf(existing -> existing.id == id);
		hosts.remove(id);
		return new Registration(id, credential);
	}

	/** The host a credential belongs to. */
	public Optional<Host> authenticate(String credential) {
		if (credential == null || credential.isBlank()) {
			return Optional.empty();
		}
		String hash = sha256(credential);
		CachedId cached = hostIdByTokenHash.get(hash);
		if (cached != null && System.nanoTime() - cached.readAt < MAX_AGE_NANOS) {
			return find(cached.id);
		}
		Optional<Long> id = db.sql("select id from host where token_hash = ?").param(hash).query(Long.class).optional();
		id.ifPresentOrElse(found -> hostIdByTokenHash.put(hash, new CachedId(found, System.nanoTime())),
				() -> hostIdByTokenHash.remove(hash));
		return id.flatMap(this::find);
	}

	/** The host calling, from its {@code Authorization: Bearer <credential>} header. */
	public Host authenticateAgent(String authorizationHeader) {
		String credential = bearerToken(authorizationHeader);
		return authenticate(credential).orElseThrow(() -> RequestException
			.unauthorized("unknown host credential; delete the agent's credential.json to register again"));
	}

	/** The token of an {@code Authorization: Bearer <token>} header, or null. */
	static String bearerToken(String authorizationHeader) {
		return authorizationHeader != null && authorizationHeader.startsWith("Bearer ")
				? authorizationHeader.substring(7).trim() : null;
	}

	/** A host as recently read; admin changes made on another server instance show within a few seconds. */
	public Optional<Host> find(long id) {
		Cached cached = hosts.get(id);
		if (cached != null && System.nanoTime() - cached.readAt < MAX_AGE_NANOS) {
			return Optional.of(cached.host);
		}
		Optional<Host> host = db.sql("select " + COLUMNS + " from host where id = ? and removed_at is null")
			.param(id)
			.query(this::map)
			.optional();
		host.ifPresentOrElse(h -> hosts.put(id, new Cached(h, System.nanoTime())), () -> hosts.remove(id));
		return host;
	}

	/** These hosts as they are now, in one query: the scheduling pass reads every polling host each time. */
	public List<Host> findAll(long[] ids) {
		return db.sql("select " + COLUMNS + " from host where id = any(?) and removed_at is null")
			.param(ids)
			.query(this::map)
			.list();
	}

	public List<Host> findAll() {
		return db.sql("select " + COLUMNS + " from host where removed_at is null order by name").query(this::map).list();
	}

	/** Records that the agent is alive and what it probed now. */
	public Host heartbeat(long id, Map<String, String> facts, Map<String, String> labels, int slots) {
		db.sql("""
				update host set facts = :facts::jsonb, labels = :labels::jsonb, slots = :slots, status = 'online',
				  last_seen = now() where id = :id""")
			.param("facts", json.writeValueAsString(StoredText.of(facts)))
			.param("labels", json.writeValueAsString(StoredText.of(labels)))
			.param("slots", Math.max(1, Math.min(64, slots)))
			.param("id", id)
			.update();
		return refreshed(id);
	}

	public Host setEnabled(long id, boolean enabled) {
		return update(id, "update host set enabled = ? where id = ?", enabled);
	}

	/** An admin's choice of mode; it clears a quarantine's reason, and the host's infra_error count starts anew. */
	public Host setMode(long id, Host.Mode mode) {
		return update(id, "update host set mode = ?, mode_reason = null, mode_changed_at = now() where id = ?",
				mode.name().toLowerCase());
	}

	/**
	 * Quarantines an active host whose last {@code snplab.queue.quarantine-after} attempts, since it was last put in
	 * service, all ended in {@code infra_error} (checkout failed, step could not start, agent lost): a wedged host
	 * must not use up every job's attempts. Its jobs are retried elsewhere as usual; an admin puts it back.
	 *
	 * @return whether the host was quarantined now
	 */
	public boolean quarantineIfFailing(long id) {
		int limit = properties.queue().quarantineAfter();
		if (limit <= 0) {
			return false;
		}
		List<String> recent = db.sql("""
				select a.result, 'job ' || a.job_id || ' attempt ' || a.attempt || coalesce(': ' || a.reason, '')
				from job_attempt a join host h on h.id = a.host_id
				where a.host_id = ? and a.result <> 'canceled' and a.finished_at >= h.mode_changed_at
				order by a.finished_at desc, a.job_id desc limit ?""")
			.params(id, limit)
			.query((rs, i) -> "infra_error".equals(rs.getString(1)) ? rs.getString(2) : null)
			.list();
		if (recent.size() < limit || recent.contains(null)) {
			return false;
		}
		String reason = "quarantined: its last " + limit + " attempts ended in infra_error (latest: " + recent.get(0) + ")";
		boolean quarantined = db.sql("""
				update host set mode = 'quarantined', mode_reason = ?, mode_changed_at = now()
				where id = ? and mode = 'active'""")
			.params(reason, id)
			.update() > 0;
		if (quarantined) {
			log.warn("Host {} {}", id, reason);
			hosts.remove(id);
			events.publishEvent(new HostChanged(id));
		}
		return quarantined;
	}

	public Host setAdminLabels(long id, Map<String, String> labels) {
		return update(id, "update host set admin_labels = ?::jsonb where id = ?",
				json.writeValueAsString(StoredText.of(labels)));
	}

	/**
	 * Removes a host that left the lab: its credential stops working (on other server instances within seconds), it
	 * leaves the lists, and job history keeps its name. Refused while it runs a job: drain it first. An agent
	 * registering under its name later is a new host.
	 */
	@Transactional
	public void remove(long id) {
		Host host = find(id).orElseThrow(() -> RequestException.notFound("no host with id " + id));
		db.sql("select id from host where id = ? for update").param(id).query(Long.class).single();
		int running = db.sql("select count(*) from job where host_id = ? and state in ('assigned', 'running')")
			.param(id)
			.query(Integer.class)
			.single();
		if (running > 0) {
			throw RequestException.conflict("host " + host.name() + " runs " + running
					+ " job(s): drain it and wait for them to finish before removing it");
		}
		// Not a SHA-256 hex digest, so no credential can ever match it again.
		db.sql("update host set removed_at = now(), enabled = false, token_hash = ? where id = ?")
			.params("removed:" + newCredential(), id)
			.update();
		hostIdByTokenHash.values().removeIf(existing -> existing.id == id);
		hosts.remove(id);
		log.info("Host {} ({}) removed", host.name(), id);
		events.publishEvent(new HostChanged(id));
	}

	/** Marks hosts offline that were silent longer than {@code snplab.queue.host-offline-after}. */
	public int markSilentHostsOffline() {
		long seconds = properties.queue().hostOfflineAfter().toSeconds();
		int count = db.sql("""
				update host set status = 'offline'
				where status = 'online' and last_seen < now() - make_interval(secs => ?)""")
			.param(seconds)
			.update();
		if (count > 0) {
			hosts.clear();
		}
		return count;
	}

	/** Marks a host offline at once, e.g. when a job's lease expired on it. */
	public void markOffline(long id) {
		db.sql("update host set status = 'offline' where id = ?").param(id).update();
		hosts.remove(id);
	}

	private Host update(long id, String sql, Object value) {
		if (db.sql(sql).params(value, id).update() == 0) {
			throw RequestException.notFound("no host with id " + id);
		}
		events.publishEvent(new HostChanged(id));
		return refreshed(id);
	}

	private Host refreshed(long id) {
		hosts.remove(id);
		return find(id).orElseThrow(() -> RequestException.notFound("no host with id " + id));
	}

	private Host map(ResultSet rs, int row) throws SQLException {
		return new Host(rs.getLong(1), rs.getString(2), rs.getBoolean(3), Host.Mode.valueOf(rs.getString(4).toUpperCase()),
				Host.Status.valueOf(rs.getString(5).toUpperCase()), rs.getInt(6), readMap(rs.getString(7)),
				readMap(rs.getString(8)), rs.getTimestamp(9).toInstant(), rs.getString(10));
	}

	private Map<String, String> readMap(String text) {
		return new TreeMap<>(json.readValue(text, STRING_MAP));
	}

	/** A random 256-bit secret, URL-safe: host credentials and the generated registration token. */
	static String newCredential() {
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	static String sha256(String text) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes(text)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] bytes(String text) {
		return (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
	}

	/** What a new agent gets back: its id and the credential it must keep. */
	public record Registration(long hostId, String credential) {
	}

	private record CachedId(long id, long readAt) {
	}

	private record Cached(Host host, long readAt) {
	}
}
