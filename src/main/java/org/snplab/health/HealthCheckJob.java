package org.snplab.health;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/** Quartz job: queues the health checks that are due by {@code snplab.health.interval}, on one instance at a time. */
@DisallowConcurrentExecution
class HealthCheckJob implements Job {

	private final HealthChecks checks;

	HealthCheckJob(HealthChecks checks) {
		this.checks = checks;
	}

	@Override
	public void execute(JobExecutionContext context) {
		checks.queueDue();
	}
}
