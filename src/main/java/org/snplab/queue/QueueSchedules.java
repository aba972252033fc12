package org.snplab.queue;

import org.quartz.JobDetail;
import org.quartz.Trigger;
import org.snplab.Every;
import org.snplab.SnplabProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What the queue runs on time, through clustered Quartz. */
@Configuration(proxyBeanMethods = false)
class QueueSchedules {

	@Bean
	JobDetail leaseExpiryJob() {
		return Every.job(LeaseExpiryJob.class, "queue", "lease-expiry");
	}

	@Bean
	Trigger leaseExpiryTrigger(JobDetail leaseExpiryJob, SnplabProperties properties) {
		return Every.trigger(leaseExpiryJob, properties.queue().leaseCheckInterval());
	}

	@Bean
	JobDetail unmatchedJobsJob() {
		return Every.job(UnmatchedJobsCheck.CheckJob.class, "queue", "unmatched-jobs");
	}

	@Bean
	Trigger unmatchedJobsTrigger(JobDetail unmatchedJobsJob) {
		return Every.trigger(unmatchedJobsJob, java.time.Duration.ofMinutes(5));
	}
}
