package org.snplab.queue;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.snplab.hosts.HostRegistry;
import org.snplab.scheduler.Capacities;
import org.snplab.scheduler.FairShare;
import org.snplab.scheduler.Resources;
import org.snplab.scheduler.SchedulerProperties;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Each repository's and pull-request author's recent use of the lab, in host-seconds: kept as a value and the time
 * it was true, and read decayed by the half-life, so nothing needs to age the table.
 */
@Component
class FairShareUsage {

	private static final String REPOSITORY = "repository:";

	private static final String AUTHOR = "author:";

	private final JdbcClient db;

	private final Clock clock;

	private final SchedulerProperties properties;

	private final HostRegistry hosts;

	FairShareUsage(JdbcClient db, Clock clock, SchedulerProperties properties, HostRegistry hosts) {
		this.db = db;
		this.clock = clock;
		this.properties = properties;
		this.hosts = hosts;
	}

	/** Counts the job's current attempt, which just ended, to its repository and author. */
	void attemptEnded(long jobId) {
		Optional<Attempt> attempt = db.sql("""
				select repository, author, memory_mb, cpus, host_id, started_at from job
				where id = ? and started_at is not null and host_id is not null""")
			.param(jobId)
			.query((rs, i) -> new Attempt(rs.getString(1), rs.getString(2), new Resources(rs.getLong(3), rs.getInt(4)),
					rs.getLong(5), rs.getTimestamp(6).toInstant()))
			.optional();
		// A health check (no repository) is the lab's own work: nobody's share.
		attempt.filter(a -> !a.repository.isEmpty()).ifPresent(a -> {
			Instant now = clock.instant();
			double seconds = Math.max(0, Duration.between(a.startedAt, now).toMillis() / 1000.0);
			Resources capacity = capacityOf(a.hostId);
			double hostSeconds = seconds * capacity.shareTakenBy(a.needs);
			add(REPOSITORY + a.repository, hostSeconds, now);
			if (a.author != null) {
				add(AUTHOR + a.author, hostSeconds, now);
			}
		});
	}

	private void add(String share, double hostSeconds, Instant now) {
		// Decay what was there to now, then add: one row per share, whatever the number of attempts.
		double halfLifeSeconds = properties.fairShare().halfLife().toMillis() / 1000.0;
		db.sql("""
				insert into fair_share_usage (share, host_seconds, as_of) values (:share, :seconds, cast(:now as timestamptz))
				on conflict (share) do update set
				  host_seconds = fair_share_usage.host_seconds
				    * power(0.5, greatest(0, extract(epoch from (cast(:now as timestamptz) - fair_share_usage.as_of))) / :halfLife)
				    + excluded.host_seconds,
				  as_of = greatest(fair_share_usage.as_of, excluded.as_of)""")
			.param("share", share)
			.param("seconds", hostSeconds)
			.param("now", Timestamp.from(now))
			.param("halfLife", halfLifeSeconds)
			.update();
	}

	/**
	 * Use as of now for these repositories and authors, including what their assigned and running jobs hold so far
	 * (each at least the placement charge, like a placement made in this pass).
	 */
	FairShare of(List<String> repositories, List<String> authors) {
		Instant now = clock.instant();
		Map<String, Double> byRepository = new HashMap<>();
		Map<String, Double> byAuthor = new HashMap<>();
		List<String> shares = new java.util.ArrayList<>();
		repositories.forEach(r -> shares.add(REPOSITORY + r));
		authors.forEach(a -> shares.add(AUTHOR + a));
		db.sql("select share, host_seconds, as_of from fair_share_usage where share = any(?)")
			.param(shares.toArray(String[]::new))
			.query((rs, i) -> {
				double value = FairShare.decayed(rs.getDouble(2), Duration.between(rs.getTimestamp(3).toInstant(), now),
						properties.fairShare().halfLife());
				String share = rs.getString(1);
				if (share.startsWith(REPOSITORY)) {
					byRepository.put(share.substring(REPOSITORY.length()), value);
				}
				else {
					byAuthor.put(share.substring(AUTHOR.length()), value);
				}
				return null;
			})
			.list();
		double charge = properties.fairShare().placementCharge();
		db.sql("""
				select repository, author, memory_mb, cpus, host_id, coalesce(started_at, assigned_at) from job
				where state in ('assigned', 'running') and (repository = any(?) or author = any(?))""")
			.params(repositories.toArray(String[]::new), authors.toArray(String[]::new))
			.query((rs, i) -> {
				Instant since = rs.getTimestamp(6) == null ? now : rs.getTimestamp(6).toInstant();
				double seconds = Math.max(charge, Duration.between(since, now).toMillis() / 1000.0);
				Resources capacity = capacityOf(rs.getLong(5));
				double hostSeconds = seconds * capacity.shareTakenBy(new Resources(rs.getLong(3), rs.getInt(4)));
				byRepository.merge(rs.getString(1), hostSeconds, Double::sum);
				if (rs.getString(2) != null) {
					byAuthor.merge(rs.getString(2), hostSeconds, Double::sum);
				}
				return null;
			})
			.list();
		return new FairShare(byRepository, byAuthor, properties.fairShare().weights());
	}

	private Resources capacityOf(long hostId) {
		return hosts.find(hostId)
			.map(h -> Capacities.of(h.facts(), properties.hostReserve().memoryMb()))
			.orElse(Resources.UNLIMITED);
	}

	private record Attempt(String repository, String author, Resources needs, long hostId, Instant startedAt) {
	}
}
