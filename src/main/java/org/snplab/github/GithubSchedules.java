package org.snplab.github;

import java.time.Duration;
import java.time.Instant;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.Trigger;
import org.snplab.Every;

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
		return Every.job(DeliveriesJob.class, "github", "deliveries");
	}

	@Bean
	Trigger githubDeliveriesTrigger(JobDetail githubDeliveriesJob, GithubProperties properties) {
		return Every.trigger(githubDeliveriesJob, properties.github().retryInterval());
	}

	@Bean
	JobDetail githubStatusesJob() {
		return Every.job(StatusesJob.class, "github", "statuses");
	}

	@Bean
	Trigger githubStatusesTrigger(JobDetail githubStatusesJob, GithubProperties properties) {
		return Every.trigger(githubStatusesJob, properties.github().retryInterval());
	}

	@Bean
	JobDetail githubReconcileJob() {
		return Every.job(ReconcileJob.class, "github", "reconcile");
	}

	@Bean
	Trigger githubReconcileTrigger(JobDetail githubReconcileJob, GithubProperties properties) {
		return Every.trigger(githubReconcileJob, properties.github().reconcileInterval());
	}

	@Bean
	JobDetail githubScheduledPipelinesJob() {
		return Every.job(ScheduledPipelinesJob.class, "github", "scheduled-pipelines");
	}

	/** Every minute, the finest a pipeline's cron is honoured to. */
	@Bean
	Trigger githubScheduledPipelinesTrigger(JobDetail githubScheduledPipelinesJob) {
		return Every.trigger(githubScheduledPipelinesJob, Duration.ofMinutes(1));
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
