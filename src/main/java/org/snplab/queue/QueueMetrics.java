package org.snplab.queue;

import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The queue's numbers for the lab's monitoring ({@code /actuator/prometheus}): jobs queued and running, runs waiting
 * for approval, queued jobs no enabled host can ever run (worth an alert: a pipeline asks for hardware the lab
 * hasn't got, or every such host is disabled), how long jobs wait to be claimed, how attempts end, and how many
 * scheduling passes ran. The counts
 * are read from PostgreSQL, through partial indexes, when scraped.
 */
@Component
class QueueMetrics {

	private final JdbcClient db;

	private final UnmatchedJobsCheck unmatched;

	private final MeterRegistry registry;

	private final Timer waits;

	private final Counter passes;

	QueueMetrics(JdbcClient db, UnmatchedJobsCheck unmatched, MeterRegistry registry) {
		this.db = db;
		this.unmatched = unmatched;
		this.registry = registry;
		for (JobState state : List.of(JobState.QUEUED, JobState.RUNNING)) {
			Gauge.builder("snplab.jobs", () -> jobsIn(state))
				.tag("state", state.value())
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
		this.passes = Counter.builder("snplab.scheduling.passes")
			.description("Scheduling passes run by this server instance")
			.register(registry);
	}

	void passRan() {
		passes.increment();
	}

	/** Passes this instance has run since it started. */
	long passesRun() {
		return (long) passes.count();
	}

	void claimed(Duration waited) {
		waits.record(waited);
	}

	void attemptEnded(JobResult result) {
		Counter.builder("snplab.job.attempts")
			.tag("result", result.value())
			.description("Job attempts ended, by result")
			.register(registry)
			.increment();
	}

	private long jobsIn(JobState state) {
		return db.sql("select count(*) from job where state = ?").param(state.value()).query(Long.class).single();
	}

	private long runsAwaitingApproval() {
		return db.sql("select count(*) from run where state = 'waiting'").query(Long.class).single();
	}

	private long unmatchedJobs() {
		return unmatched.unmatched().stream().mapToLong(JobsUnmatched::jobs).sum();
	}
}
