package org.snplab.hosts;

import java.sql.Timestamp;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.SnplabProperties;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Automatic quarantine: a host whose attempts keep ending in {@code infra_error}, or that power recovery gave up
 * on, takes no job until an admin puts it back; within the quarantine cap ({@code snplab.health.max-unhealthy}),
 * which keeps failing hosts in service once too many are out ({@link QuarantineCap}).
 */
@Service
public class Quarantine {

	private static final Logger log = LoggerFactory.getLogger(Quarantine.class);

	/** A host out of service for the quarantine cap: quarantined, or bad and not kept in service by the cap. */
	private static final String OUT = "(mode = 'quarantined' or (health = 'bad' and not health_kept_in_service))";

	/** Serializes quarantine decisions across server instances ("snplabq" in ASCII). */
	private static final long QUARANTINE_LOCK = 0x736e706c616271L;

	private final JdbcClient db;

	private final HostRegistry hosts;

	private final HostJobs jobs;

	private final HostHistory history;

	private final SnplabProperties properties;

	private final HealthProperties health;

	private final ApplicationEventPublisher events;

	private final Counter quarantineStopped;

	Quarantine(JdbcClient db, HostRegistry hosts, HostJobs jobs, HostHistory history, SnplabProperties properties,
			HealthProperties health, ApplicationEventPublisher events, MeterRegistry meters) {
		this.db = db;
		this.hosts = hosts;
		this.jobs = jobs;
		this.history = history;
		this.properties = properties;
		this.health = health;
		this.events = events;
		this.quarantineStopped = Counter.builder("snplab.quarantine.stopped")
			.description("Times automatic quarantine left a failing host in service: snplab.health.max-unhealthy reached")
			.register(meters);
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
		Timestamp inServiceSince = db.sql("select mode_changed_at from host where id = ?")
			.param(id)
			.query(Timestamp.class)
			.optional()
			.orElse(null);
		List<HostJobs.FinishedAttempt> recent = inServiceSince == null ? List.of()
				: jobs.lastFinished(id, inServiceSince.toInstant(), limit);
		if (recent.size() < limit || !recent.stream().allMatch(HostJobs.FinishedAttempt::infraError)) {
			streakEnded(id);
			return false;
		}
		String reason = "quarantined: its last " + limit + " attempts ended in infra_error (latest: "
				+ recent.get(0).description() + ")";
		if (overCap(id, reason)) {
			return false;
		}
		boolean quarantined = db.sql("""
				update host set mode = 'quarantined', mode_reason = ?, mode_changed_at = now(), quarantine_stopped = null,
				  quarantine_stopped_at = null
				where id = ? and mode = 'active'""")
			.params(reason, id)
			.update() > 0;
		if (quarantined) {
			log.warn("Host {} {}", id, reason);
			history.record(id, "quarantined", HostHistory.SNPLAB, "quarantined: takes no job until an admin puts it back",
					reason, null);
			hosts.forget(id);
			events.publishEvent(new HostChanged(id));
		}
		return quarantined;
	}

	/**
	 * Quarantines an active (or draining) host for the reason given, e.g. power recovery's "not back within 15m";
	 * recorded on its timeline by snplab. Within the quarantine cap, as an infra-error streak's quarantine.
	 *
	 * @return whether it was quarantined now (false: it was already out of service, or the cap keeps it in)
	 */
	@Transactional
	public boolean quarantine(long id, String reason) {
		if (overCap(id, reason)) {
			return false;
		}
		boolean quarantined = db.sql("""
				update host set mode = 'quarantined', mode_reason = ?, mode_changed_at = now()
				where id = ? and mode in ('active', 'draining')""")
			.params(reason, id)
			.update() > 0;
		if (quarantined) {
			log.warn("Host {} {}", id, reason);
			hosts.forget(id);
			history.record(id, "quarantined", HostHistory.SNPLAB, "quarantined: takes no job until an admin puts it back",
					reason, null);
			events.publishEvent(new HostChanged(id));
		}
		return quarantined;
	}

	/**
	 * An attempt on the host ended otherwise than in {@code infra_error} (canceled ones aside): its streak is over, so
	 * the quarantine cap no longer keeps it in service.
	 */
	public void streakEnded(long id) {
		if (db.sql("update host set quarantine_stopped = null, quarantine_stopped_at = null where id = ? and quarantine_stopped is not null")
			.param(id)
			.update() > 0) {
			hosts.forget(id);
		}
	}

	/** What the dashboard's banner says while the cap keeps failing hosts in service. */
	public QuarantineCap cap() {
		List<QuarantineCap.KeptHost> kept = db.sql("""
				select id, name, quarantine_stopped from host
				where removed_at is null and enabled and mode = 'active' and quarantine_stopped is not null order by name""")
			.query((rs, i) -> new QuarantineCap.KeptHost(rs.getLong(1), rs.getString(2), rs.getString(3)))
			.list();
		return db.sql("select count(*) filter (where enabled and " + OUT + "), count(*) filter (where enabled) "
				+ "from host where removed_at is null")
			.query((rs, i) -> new QuarantineCap(rs.getInt(1), rs.getInt(2), kept))
			.single();
	}

	/**
	 * Whether quarantining this host now would take more than {@code snplab.health.max-unhealthy} of the enabled
	 * hosts out, or the last good one: then it stays in service, and the banner, the metric and a
	 * {@link QuarantineStopped} event (once, until its streak ends) say so. Serialized across server instances, so
	 * that two hosts failing at once can't both slip under the cap. Out of service are quarantined hosts and bad
	 * ones ({@link HostHealth#failed}) the cap didn't keep. Runs in the caller's transaction.
	 */
	boolean overCap(long id, String reason) {
		db.sql("select pg_advisory_xact_lock(?)").param(QUARANTINE_LOCK).query((rs, i) -> 1).list();
		record Fleet(String name, Host.Mode mode, int enabled, int out, int goodOthers) {
		}
		Fleet fleet = db.sql("""
				select (select name from host where id = :id), (select mode from host where id = :id),
				  count(*) filter (where enabled), count(*) filter (where enabled and id <> :id and """ + OUT + """
				  ), count(*) filter (where enabled and mode = 'active' and id <> :id and not """ + OUT + """
				  ) from host where removed_at is null""")
			.param("id", id)
			.query((rs, i) -> new Fleet(rs.getString(1), Host.Mode.of(rs.getString(2)), rs.getInt(3), rs.getInt(4), rs.getInt(5)))
			.single();
		if (fleet.mode() != Host.Mode.ACTIVE || (fleet.out() + 1 <= health.allowedOut(fleet.enabled()) && fleet.goodOthers() > 0)) {
			return false;
		}
		boolean first = db.sql("update host set quarantine_stopped = ?, quarantine_stopped_at = coalesce(quarantine_stopped_at, now()) "
				+ "where id = ? returning quarantine_stopped_at = now()")
			.params(reason.replaceFirst("^(quarantined|bad): ", ""), id)
			.query(Boolean.class)
			.single();
		hosts.forget(id);
		quarantineStopped.increment();
		if (first) {
			log.warn("Host {} kept in service: {} of {} enabled hosts are quarantined already (snplab.health.max-unhealthy {}); {}",
					fleet.name(), fleet.out(), fleet.enabled(), health.maxUnhealthy(), reason);
			events.publishEvent(new QuarantineStopped(id, fleet.name(), reason, fleet.out(), fleet.enabled()));
		}
		return true;
	}
}
