package org.snplab.hosts;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A host's health: what its last health check (or a change in its facts) found. A bad host takes no job but its
 * health check, within the quarantine cap ({@link Quarantine}).
 */
@Service
public class HostHealth {

	private static final Logger log = LoggerFactory.getLogger(HostHealth.class);

	private final JdbcClient db;

	private final HostRegistry hosts;

	private final Quarantine quarantine;

	private final HostHistory history;

	private final HealthProperties health;

	private final Clock clock;

	private final ApplicationEventPublisher events;

	private final TransactionTemplate transactions;

	HostHealth(JdbcClient db, HostRegistry hosts, Quarantine quarantine, HostHistory history, HealthProperties health,
			Clock clock, ApplicationEventPublisher events, TransactionTemplate transactions) {
		this.db = db;
		this.hosts = hosts;
		this.quarantine = quarantine;
		this.history = history;
		this.health = health;
		this.clock = clock;
		this.events = events;
		this.transactions = transactions;
	}

	/**
	 * Locks the host's row until the caller's transaction ends, so that two requests for one host's health check at
	 * once (a heartbeat and an admin) queue one check.
	 */
	public void lockForCheck(long id) {
		db.sql("select id from host where id = ? for update").param(id).query(Long.class).single();
	}

	/**
	 * The hosts a health check is due on by time: online, active and enabled ones whose last check ended (or, never
	 * checked, which registered) at or before {@code checkedBefore}, and, with {@code unknownToo}, every such host
	 * whose health is unknown (never checked, or power-cycled since). Whether a check is waiting or running on one
	 * already is the health module's to say.
	 */
	public List<Long> dueForCheck(Instant checkedBefore, boolean unknownToo) {
		return db.sql("""
				select id from host
				where removed_at is null and enabled and status = 'online' and mode = 'active'
				  and (coalesce(health_checked_at, created_at) <= ? or (health = 'unknown' and ?))
				order by id""")
			.params(Timestamp.from(checkedBefore), unknownToo)
			.query(Long.class)
			.list();
	}

	/** A host whose health check failed at {@code checkedAt}, as power recovery sees it. */
	public record FailedCheck(long hostId, String name, Host.Mode mode, boolean enabled, Instant checkedAt) {
	}

	/**
	 * The hosts whose last health check failed, by id; quarantined and removed ones aside, as are those the quarantine
	 * cap keeps in service (they still take jobs).
	 */
	public List<FailedCheck> failedChecks() {
		return db.sql("""
				select id, name, mode, enabled, health_checked_at from host
				where removed_at is null and mode <> 'quarantined' and health = 'bad' and health_job_id is not null
				  and not health_kept_in_service and health_checked_at is not null
				order by id""")
			.query((rs, i) -> new FailedCheck(rs.getLong(1), rs.getString(2), Host.Mode.of(rs.getString(3)),
					rs.getBoolean(4), rs.getTimestamp(5).toInstant()))
			.list();
	}

	/** Its health check passed: the host is good, and takes jobs again. */
	public void passed(long id, long jobId) {
		boolean wasBad = hosts.find(id).map(h -> h.health().state() == Host.HealthState.BAD).orElse(false);
		db.sql("""
				update host set health = 'good', health_reason = null, health_checked_at = ?, health_job_id = ?,
				  health_kept_in_service = false where id = ?""")
			.params(Timestamp.from(clock.instant()), jobId, id)
			.update();
		if (wasBad) {
			history.record(id, "good", HostHistory.SNPLAB, "good: its health check passed (job " + jobId + ")", null, null);
		}
		quarantine.streakEnded(id);
		hosts.forget(id);
		events.publishEvent(new HostChanged(id));
	}

	/**
	 * Its health check failed, or its facts changed for the worse: the host is bad and takes no job but its health
	 * check, unless that would take more than {@code snplab.health.max-unhealthy} of the enabled hosts out (or the
	 * last good one): then it stays in service, as with quarantine, and the banner says why. A host that was not in
	 * service (a new host's first check, or one bad already) has no service to stay in: the cap doesn't apply.
	 *
	 * @param jobId the failed check's job; null for a facts change
	 */
	public void failed(long id, Long jobId, String reason) {
		hosts.forget(id);
		boolean inService = hosts.find(id).map(host -> host.health().admitsJobs()).orElse(false);
		transactions.executeWithoutResult(tx -> {
			boolean kept = inService && quarantine.overCap(id, "bad: " + reason);
			db.sql("""
					update host set health = 'bad', health_reason = ?, health_checked_at = ?, health_job_id = ?,
					  health_kept_in_service = ? where id = ?""")
				.params(reason, Timestamp.from(clock.instant()), jobId, kept, id)
				.update();
			if (!kept) {
				log.warn("Host {} is bad: {}", id, reason);
			}
			history.record(id, "bad", HostHistory.SNPLAB, kept ? "bad, kept in service by snplab.health.max-unhealthy"
					: "bad: takes no job but its health check", reason, null);
		});
		hosts.forget(id);
		events.publishEvent(new HostChanged(id));
	}

	/**
	 * After an automatic power cycle, where snplab runs health checks by itself: the host's health is unknown again,
	 * so it takes no job but its health check (queued when its agent is back online) until one passes.
	 */
	public void awaitCheck(long id, String reason) {
		if (!health.enabled() || !health.checkNewHosts()) {
			return;
		}
		if (db.sql("""
				update host set health = 'unknown', health_reason = ?, health_kept_in_service = false
				where id = ? and removed_at is null""")
			.params(reason, id)
			.update() > 0) {
			hosts.forget(id);
			events.publishEvent(new HostChanged(id));
		}
	}
}
