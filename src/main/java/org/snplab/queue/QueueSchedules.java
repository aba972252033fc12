package org.snplab.queue;

import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.snplab.SnplabProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What the queue runs on time, through clustered Quartz. */
@Configuration(proxyBeanMethods = false)
class QueueSchedules {

	@Bean
	JobDetail leaseExpiryJob() {
		return JobBuilder.newJob(LeaseExpiryJob.class).withIdentity("lease-expiry", "queue").storeDurably().build();
	}

	@Bean
	Trigger leaseExpiryTrigger(JobDetail leaseExpiryJob, SnplabProperties properties) {
		return TriggerBuilder.newTrigger()
			.forJob(leaseExpiryJob)
			.withIdentity("lease-expiry", "queue")
			.withSchedule(SimpleScheduleBuilder.simpleSchedule()
				.withIntervalInMilliseconds(properties.queue().leaseCheckInterval().toMillis())
				.repeatForever()
				.withMisfireHandlingInstructionNextWithRemainingCount())
			.build();
	}
}
