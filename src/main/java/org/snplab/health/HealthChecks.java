package org.snplab.health;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.NotFoundException;
import org.snplab.hosts.HealthCheckWanted;
import org.snplab.hosts.HealthProperties;
import org.snplab.hosts.Host;
import org.snplab.hosts.HostHealth;
import org.snplab.hosts.HostRegistry;
import org.snplab.queue.JobChanged;
import org.snplab.queue.JobOutcomes;
import org.snplab.queue.RunService;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Queues hosts' health checks and judges their outcome. A check is a run of one job pinned to its host
 * ({@link RunService#queueHealthCheck}) running {@code snplab.health.steps}; it passes: the host is good; it fails,
 * times out or is lost: the host is bad (no jobs but its next check) with the reason and the check's log, within the
 * quarantine cap ({@link HostHealth#failed}). A host has at most one check waiting or running: its newest. Where a
 * check's job stands is the queue's ({@link JobOutcomes}); the host's row, {@link HostHealth}'s.
 */
@Service
public class HealthChecks {

	private static final Logger log = LoggerFactory.getLogger(HealthChecks.class);

	private final JdbcClient db;

	private final RunService runs;

	private final HostRegistry hosts;

	private final HostHealth hostHealth;

	private final HealthProperties properties;

	private final JobOutcomes jobs;

	private final Clock clock;

	HealthChecks(JdbcClient db, RunService runs, JobOutcomes jobs, HostRegistry hosts, HostHealth hostHealth,
			HealthProperties properties, Clock clock) {
		this.jobs = jobs;
		this.hostHealth = hostHealth;
		this.db = db;
		this.runs = runs;
		this.hosts = hosts;
		this.properties = properties;
		this.clock = clock;
	}

	@EventListener
	void on(HealthCheckWanted event) {
		request(event.hostId(), event.why());
	}

	/**
	 * Queues a check of the host, unless one is waiting or running already.
	 *
	 * @param why what made it due, kept with the check: "new host", "back online", "asked by admin" ...
	 * @return the job of the check waiting or running now
	 */
	@Transactional
	public long request(long hostId, String why) {
		Host host = hosts.find(hostId).orElseThrow(() -> new NotFoundException("no host with id " + hostId));
		// Two requests for one host at once (a heartbeat and an admin) queue one check.
		hostHealth.lockForCheck(hostId);
		Optional<Long> pending = pending(hostId);
		if (pending.isPresent()) {
			return pending.get();
		}
		long jobId = runs.queueHealthCheck(host.name(), properties.steps(), properties.timeout());
		db.sql("insert into health_check (job_id, host_id, why, requested_at) values (?, ?, ?, ?)")
			.params(jobId, hostId, why, Timestamp.from(clock.instant()))
			.update();
		log.info("Health check of host {} queued as job {}: {}", host.name(), jobId, why);
		return jobId;
	}

	/**
	 * Queues a check of every online, active host whose last check ended (or, never checked, which registered) more
	 * than {@code snplab.health.interval} ago, and, with {@code check-new-hosts}, of every host never checked (e.g.
	 * hosts registered before health checks existed), which takes no job until then.
	 *
	 * @return the hosts checked now
	 */
	public int queueDue() {
		List<Long> byTime = hostHealth.dueForCheck(clock.instant().minus(properties.interval()), properties.checkNewHosts());
		Set<Long> checking = checking(byTime);
		List<Long> due = byTime.stream().filter(id -> !checking.contains(id)).toList();
		due.forEach(id -> request(id, hosts.find(id).map(h -> h.health().checkedAt() == null).orElse(false)
				? "never checked" : "every " + Durations.words(properties.interval())));
		return due.size();
	}

	/** A check ended: its host is good or bad. A canceled check says nothing of the host. */
	@EventListener
	void on(JobChanged event) {
		db.sql("select host_id from health_check where job_id = ?")
			.param(event.jobId())
			.query(Long.class)
			.optional()
			.ifPresent(hostId -> jobs.ended(event.jobId()).ifPresent(ended -> judge(hostId, ended)));
	}

	private void judge(long hostId, JobOutcomes.Ended ended) {
		long jobId = ended.jobId();
		switch (ended.result()) {
			case PASSED -> hostHealth.passed(hostId, jobId);
			case CANCELED -> log.info("Health check job {} was canceled: host {} keeps its health", jobId, hostId);
			default -> hostHealth.failed(hostId, jobId, "health check " + ended.result().value().replace('_', ' ')
					+ (ended.reason() == null || ended.reason().isBlank() ? "" : ": " + ended.reason()) + " (job " + jobId + ")");
		}
	}

	/** The host's check waiting or running: its newest, unless that one has ended. */
	private Optional<Long> pending(long hostId) {
		return db.sql("select job_id from health_check where host_id = ? order by job_id desc limit 1")
			.param(hostId)
			.query(Long.class)
			.optional()
			.filter(jobId -> jobs.unfinished(List.of(jobId)).contains(jobId));
	}

	/** Those of these hosts with a check waiting or running, in two queries whatever their number. */
	private Set<Long> checking(List<Long> hostIds) {
		if (hostIds.isEmpty()) {
			return Set.of();
		}
		Map<Long, Long> newest = db.sql("select host_id, max(job_id) from health_check where host_id = any(?) group by host_id")
			.param(hostIds.stream().mapToLong(Long::longValue).toArray())
			.query((rs, i) -> Map.entry(rs.getLong(1), rs.getLong(2)))
			.list()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
		Set<Long> unfinished = jobs.unfinished(newest.values());
		return newest.entrySet().stream().filter(e -> unfinished.contains(e.getValue())).map(Map.Entry::getKey)
			.collect(Collectors.toSet());
	}
}
