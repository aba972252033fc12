package org.snplab.hosts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.snplab.InvalidInputException;
import org.snplab.NotFoundException;
import org.snplab.UnauthenticatedException;
import org.snplab.SnplabProperties;
import org.snplab.StoredText;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The lab's hosts: registers agents, authenticates them by their per-host credential ({@link HostCredentials}) and
 * reads hosts, each reused for a few seconds. What changes a host is elsewhere in this module: its agent's heartbeats
 * ({@link HostHeartbeats}), its health ({@link HostHealth}), automatic quarantine ({@link Quarantine}), reservations
 * ({@link HostReservations}) and what admins do ({@link HostAdministration}); each makes this instance forget the
 * host it changed.
 */
@Service
public class HostRegistry {

	private static final String COLUMNS = "id, name, enabled, mode, status, slots, facts::text, (labels || admin_labels)::text, last_seen, mode_reason, "
			+ "r.reserved_by, r.reserved_until, r.reason, r.job_id, health, health_reason, health_checked_at, health_job_id, "
			+ "health_kept_in_service, address";

	/** Hosts with their reservation, if any (whether it still holds is decided with the clock, in {@link #map}). */
	private static final String HOSTS = " host left join host_reservation r on r.host_id = host.id";

	private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
	};

	/**
	 * How long a credential's host and a host read from the database are reused: admin changes, and a credential
	 * replaced by a re-registration, take effect on every server instance within this time.
	 */
	private static final Duration MAX_AGE = Duration.ofSeconds(3);

	private final JdbcClient db;

	private final JsonMapper json;

	private final SnplabProperties properties;

	private final Cache<String, Long> hostIdByTokenHash = Caffeine.newBuilder().expireAfterWrite(MAX_AGE)
		.maximumSize(100_000).build();

	private final Cache<Long, Host> hosts = Caffeine.newBuilder().expireAfterWrite(MAX_AGE).maximumSize(100_000).build();

	private final ApplicationEventPublisher events;

	private final RegistrationToken registrationToken;

	private final Clock clock;

	private final HealthProperties health;

	HostRegistry(JdbcClient db, JsonMapper json, SnplabProperties properties, ApplicationEventPublisher events,
			RegistrationToken registrationToken, Clock clock, HealthProperties health) {
		this.clock = clock;
		this.health = health;
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
			throw new UnauthenticatedException("registration token rejected");
		}
		if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
			throw new InvalidInputException(
					"host name must be 1-63 letters, digits, '.', '_' or '-', got " + name);
		}
		if (slots < 1 || slots > 64) {
			throw new InvalidInputException("slots must be between 1 and 64, got " + slots);
		}
		String credential = HostCredentials.newCredential();
		record Upserted(long id, boolean inserted) {
		}
		Upserted upserted = db.sql("""
				insert into host (name, token_hash, enabled, slots, labels, facts)
				values (:name, :hash, :enabled, :slots, :labels::jsonb, :facts::jsonb)
				on conflict (name) where removed_at is null do update set token_hash = excluded.token_hash, slots = excluded.slots,
				  labels = excluded.labels, facts = excluded.facts, status = 'online', last_seen = now(),
				  enabled = host.enabled and excluded.enabled
				returning id, xmax = 0""")
			.param("name", name)
			.param("hash", HostCredentials.sha256(credential))
			.param("enabled", properties.agent().autoEnable())
			.param("slots", slots)
			.param("labels", json.writeValueAsString(StoredText.of(labels)))
			.param("facts", json.writeValueAsString(StoredText.of(facts)))
			.query((rs, i) -> new Upserted(rs.getLong(1), rs.getBoolean(2)))
			.single();
		long id = upserted.id();
		if (upserted.inserted() && health.enabled() && health.checkNewHosts()) {
			events.publishEvent(new HealthCheckWanted(id, "new host"));
		}
		forgetCredential(id);
		hosts.invalidate(id);
		return new Registration(id, credential);
	}

	/** An IPv4 or IPv6 address or a DNS name: what a step may put in a URL or pass to {@code nc}. */
	private static final java.util.regex.Pattern ADDRESS = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9.:_-]{0,252}");

	/**
	 * Records the address the host's agent reports for itself ({@code --address}), where the roles of a multi-host
	 * job on other hosts reach it ({@code SNPLAB_HOST_<ROLE>}); null (an older agent) leaves it as it was.
	 */
	public void reportAddress(long id, String address) {
		if (address == null) {
			return;
		}
		if (!ADDRESS.matcher(address).matches()) {
			throw new InvalidInputException("address must be an IP address or a host name (letters, digits, "
					+ "'.', ':', '_', '-'; at most 253), got " + StoredText.of(address));
		}
		int changed = db.sql("update host set address = ? where id = ? and address is distinct from ?")
			.params(address, id, address)
			.update();
		if (changed > 0) {
			hosts.invalidate(id);
		}
	}

	/** The host a credential belongs to. */
	public Optional<Host> authenticate(String credential) {
		if (credential == null || credential.isBlank()) {
			return Optional.empty();
		}
		String hash = HostCredentials.sha256(credential);
		Long cached = hostIdByTokenHash.getIfPresent(hash);
		if (cached != null) {
			return find(cached);
		}
		Optional<Long> id = db.sql("select id from host where token_hash = ?").param(hash).query(Long.class).optional();
		id.ifPresentOrElse(found -> hostIdByTokenHash.put(hash, found), () -> hostIdByTokenHash.invalidate(hash));
		return id.flatMap(this::find);
	}

	/** The host calling, from its {@code Authorization: Bearer <credential>} header. */
	public Host authenticateAgent(String authorizationHeader) {
		String credential = HostCredentials.bearerToken(authorizationHeader);
		return authenticate(credential).orElseThrow(() -> new UnauthenticatedException("unknown host credential; delete the agent's credential.json to register again"));
	}

	/** A host as recently read; admin changes made on another server instance show within a few seconds. */
	public Optional<Host> find(long id) {
		Host cached = hosts.getIfPresent(id);
		if (cached != null && !reservationEnded(cached)) {
			return Optional.of(cached);
		}
		Optional<Host> host = db.sql("select " + COLUMNS + " from" + HOSTS + " where id = ? and removed_at is null")
			.param(id)
			.query(this::map)
			.optional();
		host.ifPresentOrElse(h -> hosts.put(id, h), () -> hosts.invalidate(id));
		return host;
	}

	/** These hosts as they are now, in one query: the scheduling pass reads every polling host each time. */
	public List<Host> findAll(long[] ids) {
		return db.sql("select " + COLUMNS + " from" + HOSTS + " where id = any(?) and removed_at is null")
			.param(ids)
			.query(this::map)
			.list();
	}

	public List<Host> findAll() {
		return db.sql("select " + COLUMNS + " from" + HOSTS + " where removed_at is null order by name").query(this::map).list();
	}

	/** The names of these hosts, removed ones' too (job history keeps them): by id, unknown ids left out. */
	public Map<Long, String> names(Collection<Long> ids) {
		long[] known = ids.stream().filter(Objects::nonNull).mapToLong(Long::longValue).distinct().toArray();
		if (known.length == 0) {
			return Map.of();
		}
		return db.sql("select id, name from host where id = any(?)")
			.param(known)
			.query((rs, i) -> Map.entry(rs.getLong(1), rs.getString(2)))
			.list()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
	}

	/** The host as it is now, after a change made just now: 404 if there is none. */
	Host fresh(long id) {
		hosts.invalidate(id);
		return find(id).orElseThrow(() -> new NotFoundException("no host with id " + id));
	}

	private Host map(ResultSet rs, int row) throws SQLException {
		Host.Reservation reservation = null;
		if (rs.getTimestamp(12) != null && rs.getTimestamp(12).toInstant().isAfter(clock.instant())) {
			reservation = new Host.Reservation(rs.getString(11), rs.getTimestamp(12).toInstant(), rs.getString(13),
					(Long) rs.getObject(14));
		}
		Host.HealthState state = Host.HealthState.valueOf(rs.getString(15).toUpperCase());
		boolean admitsJobs = switch (state) {
			case GOOD -> true;
			case UNKNOWN -> !health.checkNewHosts();
			case BAD -> rs.getBoolean(19);
		};
		Host.Health hostHealth = new Host.Health(state, rs.getString(16),
				rs.getTimestamp(17) == null ? null : rs.getTimestamp(17).toInstant(), (Long) rs.getObject(18), admitsJobs);
		return new Host(rs.getLong(1), rs.getString(2), rs.getBoolean(3), Host.Mode.of(rs.getString(4)),
				Host.Status.of(rs.getString(5)), rs.getInt(6), readMap(rs.getString(7)),
				readMap(rs.getString(8)), rs.getTimestamp(9).toInstant(), rs.getString(10), reservation, hostHealth,
				rs.getString(20));
	}

	/** A host read while reserved is read again once the reservation is over: it is back in service at once. */
	private boolean reservationEnded(Host host) {
		return host.reservation() != null && !host.reservation().until().isAfter(clock.instant());
	}

	/** Forgets what this instance read of the host, so that the next read sees a change made just now. */
	void forget(long id) {
		hosts.invalidate(id);
	}

	/** Forgets what this instance read of every host. */
	void forgetAll() {
		hosts.invalidateAll();
	}

	/** Forgets the credential this instance last saw the host use: it was replaced or the host removed. */
	void forgetCredential(long id) {
		hostIdByTokenHash.asMap().values().removeIf(existing -> existing == id);
	}

	Map<String, String> readMap(String text) {
		return new TreeMap<>(json.readValue(text, STRING_MAP));
	}

	/** What a new agent gets back: its id and the credential it must keep. */
	public record Registration(long hostId, String credential) {
	}

}
