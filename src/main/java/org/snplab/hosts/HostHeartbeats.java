package org.snplab.hosts;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.snplab.SnplabProperties;
import org.snplab.StoredText;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Whether a host's agent is heard from: each heartbeat brings fresh facts and keeps the host online; a host silent
 * longer than {@code snplab.queue.host-offline-after} is marked offline.
 */
@Service
public class HostHeartbeats {

	private final JdbcClient db;

	private final JsonMapper json;

	private final HostRegistry hosts;

	private final HostHealth hostHealth;

	private final HostHistory history;

	private final SnplabProperties properties;

	private final HealthProperties health;

	private final ApplicationEventPublisher events;

	HostHeartbeats(JdbcClient db, JsonMapper json, HostRegistry hosts, HostHealth hostHealth, HostHistory history,
			SnplabProperties properties, HealthProperties health, ApplicationEventPublisher events) {
		this.db = db;
		this.json = json;
		this.hosts = hosts;
		this.hostHealth = hostHealth;
		this.history = history;
		this.properties = properties;
		this.health = health;
		this.events = events;
	}

	/**
	 * Records that the agent is alive and what it probed now; a host that was offline is online again, and due a
	 * health check. Facts that changed for the worse make the host bad ({@link HealthJudge}).
	 */
	public Host heartbeat(long id, Map<String, String> facts, Map<String, String> labels, int slots) {
		record Before(String status, Map<String, String> facts) {
		}
		Optional<Before> before = db.sql("select status, facts::text from host where id = ?")
			.param(id)
			.query((rs, i) -> new Before(rs.getString(1), hosts.readMap(rs.getString(2))))
			.optional();
		db.sql("""
				update host set facts = :facts::jsonb, labels = :labels::jsonb, slots = :slots, status = 'online',
				  last_seen = now() where id = :id""")
			.param("facts", json.writeValueAsString(StoredText.of(facts)))
			.param("labels", json.writeValueAsString(StoredText.of(labels)))
			.param("slots", Math.max(1, Math.min(64, slots)))
			.param("id", id)
			.update();
		before.flatMap(b -> HealthJudge.worsened(b.facts(), facts)).ifPresent(reason -> hostHealth.failed(id, null, reason));
		if (before.isPresent() && Host.Status.of(before.get().status()) == Host.Status.OFFLINE) {
			history.record(id, "online", HostHistory.SNPLAB, "its agent is heard from again", null, null);
			if (health.enabled()) {
				events.publishEvent(new HealthCheckWanted(id, "back online"));
			}
		}
		return hosts.fresh(id);
	}

	/** Marks hosts offline that were silent longer than {@code snplab.queue.host-offline-after}. */
	public int markSilentHostsOffline() {
		long seconds = properties.queue().hostOfflineAfter().toSeconds();
		List<Long> silent = db.sql("""
				update host set status = 'offline'
				where status = 'online' and last_seen < now() - make_interval(secs => ?) returning id""")
			.param(seconds)
			.query(Long.class)
			.list();
		if (!silent.isEmpty()) {
			hosts.forgetAll();
		}
		silent.forEach(id -> history.record(id, "offline", HostHistory.SNPLAB,
				"offline: no heartbeat for " + seconds + " s", null, null));
		return silent.size();
	}

	/**
	 * A host not heard from: {@code heardAt} is its last heartbeat or its timeline's latest return online (written at
	 * the injected clock's time when an agent is heard again after being offline), whichever is later;
	 * {@code lastSeen} its last heartbeat.
	 */
	public record Silence(long hostId, String name, Host.Mode mode, boolean enabled, Instant heardAt, Instant lastSeen) {
	}

	/** The hosts, quarantined and removed ones aside, last heard before {@code cutoff}, by id. */
	public List<Silence> silentSince(Instant cutoff) {
		return db.sql("""
				select id, name, mode, enabled, heard, last_seen from (
				  select h.*, greatest(h.last_seen, (select max(e.at) from host_event e
				                                     where e.host_id = h.id and e.kind = 'online')) as heard
				  from host h where h.removed_at is null and h.mode <> 'quarantined') h
				where heard < ?
				order by id""")
			.param(Timestamp.from(cutoff))
			.query((rs, i) -> new Silence(rs.getLong(1), rs.getString(2), Host.Mode.of(rs.getString(3)), rs.getBoolean(4),
					rs.getTimestamp(5).toInstant(), rs.getTimestamp(6).toInstant()))
			.list();
	}

	/** Marks a host offline at once, e.g. when a job's lease expired on it. */
	public void markOffline(long id) {
		if (db.sql("update host set status = 'offline' where id = ? and status = 'online'").param(id).update() > 0) {
			history.record(id, "offline", HostHistory.SNPLAB, "offline: a job's lease expired on it", null, null);
		}
		hosts.forget(id);
	}
}
