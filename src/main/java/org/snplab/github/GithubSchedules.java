package org.snplab.github;

import java.time.Duration;
import java.time.Instant;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Clustered Quartz jobs of the GitHub feature: they pick up what the in-process kicks missed (a restart, an
 * outage), on one server instance at a time.
 */
@Configuration(proxyBeanMethods = false)
class GithubSchedules {

	@Bean
	JobDetail githubDeliveriesJob() {
		return JobBuilder.newJob(DeliveriesJob.class).withIdentity("deliveries", "github").storeDurably().build();
	}

	@Bean
	Trigger githubDeliveriesTrigger(JobDetail githubDeliveriesJob, GithubProperties properties) {
		return every(githubDeliveriesJob, "deliveries", properties.github().retryInterval());
	}

	@Bean
	JobDetail githubStatusesJob() {
		return JobBuilder.newJob(StatusesJob.class).withIdentity("statuses", "github").storeDurably().build();
	}

	@Bean
	Trigger githubStatusesTrigger(JobDetail githubStatusesJob, GithubProperties properties) {
		return every(githubStatusesJob, "statuses", properties.github().retryInterval());
	}

	@Bean
	JobDetail githubReconcileJob() {
		return JobBuilder.newJob(ReconcileJob.class).withIdentity("reconcile", "github").storeDurably().build();
	}

	@Bean
	Trigger githubReconcileTrigger(JobDetail githubReconcileJob, GithubProperties properties) {
		return every(githubReconcileJob, "reconcile", properties.github().reconcileInterval());
	}

	@Bean
	JobDetail githubScheduledPipelinesJob() {
		return JobBuilder.newJob(ScheduledPipelinesJob.class).withIdentity("scheduled-pipelines", "github").storeDurably().build();
	}

	/** Every minute, the finest a pipeline's cron is honoured to. */
	@Bean
	Trigger githubScheduledPipelinesTrigger(JobDetail githubScheduledPipelinesJob) {
		return every(githubScheduledPipelinesJob, "scheduled-pipelines", Duration.ofMinutes(1));
	}

	private static Trigger every(JobDetail job, String name, Duration interval) {
		return TriggerBuilder.newTrigger()
			.forJob(job)
			.withIdentity(name, "github")
			.withSchedule(SimpleScheduleBuilder.simpleSchedule()
				.withIntervalInMilliseconds(interval.toMillis())
				.repeatForever()
				.withMisfireHandlingInstructionNextWithRemainingCount())
			.build();
	}

	@DisallowConcurrentExecution
	static class DeliveriesJob implements Job {

		private final DeliveryProcessor processor;

		DeliveriesJob(DeliveryProcessor processor) {
			this.processor = processor;
		}

		@Override
		public void execute(JobExecutionContext context) {
			processor.drain();
		}
	}

	@DisallowConcurrentExecution
	static class StatusesJob implements Job {

		private final StatusSender sender;

		StatusesJob(StatusSender sender) {
			this.sender = sender;
		}

		@Override
		public void execute(JobExecutionContext context) {
			sender.drain();
		}
	}

	@DisallowConcurrentExecution
	static class ReconcileJob implements Job {

		private final Reconciler reconciler;

		ReconcileJob(Reconciler reconciler) {
			this.reconciler = reconciler;
		}

		@Override
		public void execute(JobExecutionContext context) {
			reconciler.reconcile();
		}
	}

	@DisallowConcurrentExecution
	static class ScheduledPipelinesJob implements Job {

		private final ScheduledPipelines pipelines;

		ScheduledPipelinesJob(ScheduledPipelines pipelines) {
			this.pipelines = pipelines;
		}

		@Override
		public void execute(JobExecutionContext context) {
			pipelines.fire(Instant.now());
		}
	}
}
