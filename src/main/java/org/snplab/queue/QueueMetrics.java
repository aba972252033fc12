package org.snplab.queue;

import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.snplab.hosts.Host;
import org.snplab.hosts.HostRegistry;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The queue's numbers for the lab's monitoring ({@code /actuator/prometheus}): jobs queued and running, runs waiting
 * for approval, queued jobs no enabled host can ever run (worth an alert: a pipeline asks for hardware the lab
 * hasn't got, or every such host is disabled), how long jobs wait to be claimed, and how attempts end. The counts
 * are read from PostgreSQL, through partial indexes, when scraped.
 */
@Component
class QueueMetrics {

	private final JdbcClient db;

	private final RequirementSets requirementSets;

	private final HostRegistry hosts;

	private final MeterRegistry registry;

	private final Timer waits;

	QueueMetrics(JdbcClient db, RequirementSets requirementSets, HostRegistry hosts, MeterRegistry registry) {
		this.db = db;
		this.requirementSets = requirementSets;
		this.hosts = hosts;
		this.registry = registry;
		for (String state : List.of("queued", "running")) {
			Gauge.builder("snplab.jobs", () -> jobsIn(state))
				.tag("state", state)
				.description("Jobs queued or running now")
				.register(registry);
		}
		Gauge.builder("snplab.runs.awaiting.approval", this::runsAwaitingApproval)
			.description("Runs of untrusted pull requests held until a maintainer approves them")
			.register(registry);
		Gauge.builder("snplab.jobs.unmatched", this::unmatchedJobs)
			.description("Queued jobs that no enabled host can run")
			.register(registry);
		this.waits = Timer.builder("snplab.job.wait")
			.description("Time from queued to claimed by a host")
			.publishPercentileHistogram()
			.maximumExpectedValue(Duration.ofHours(12))
			.register(registry);
	}

	void claimed(Duration waited) {
		waits.record(waited);
	}

	void attemptEnded(String result) {
		Counter.builder("snplab.job.attempts")
			.tag("result", result)
			.description("Job attempts ended, by result")
			.register(registry)
			.increment();
	}

	private long jobsIn(String state) {
		return db.sql("select count(*) from job where state = ?").param(state).query(Long.class).single();
	}

	private long runsAwaitingApproval() {
		return db.sql("select count(*) from run where state = 'waiting'").query(Long.class).single();
	}

	private long unmatchedJobs() {
		List<Host> enabled = hosts.findAll().stream().filter(Host::enabled).toList();
		return db.sql("select requires_id, count(*) from job where state = 'queued' group by requires_id")
			.query((rs, i) -> {
				var requires = requirementSets.get(rs.getLong(1));
				boolean runnable = enabled.stream().anyMatch(host -> requires.matches(host.facts(), host.labels()));
				return runnable ? 0L : rs.getLong(2);
			})
			.list()
			.stream()
			.mapToLong(Long::longValue)
			.sum();
	}
}
