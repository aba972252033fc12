package org.snplab.results.retention;

import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Runs the retention clean-up every {@code snplab.retention.interval} (daily by default). */
@Configuration(proxyBeanMethods = false)
class RetentionSchedule {

	@Bean
	JobDetail retentionJob() {
		return JobBuilder.newJob(RetentionJob.class).withIdentity("retention", "results").storeDurably().build();
	}

	@Bean
	Trigger retentionTrigger(JobDetail retentionJob, RetentionProperties properties) {
		return TriggerBuilder.newTrigger()
			.forJob(retentionJob)
			.withIdentity("retention", "results")
			.withSchedule(SimpleScheduleBuilder.simpleSchedule()
				.withIntervalInMilliseconds(properties.interval().toMillis())
				.repeatForever()
				.withMisfireHandlingInstructionNextWithRemainingCount())
			.build();
	}
}
