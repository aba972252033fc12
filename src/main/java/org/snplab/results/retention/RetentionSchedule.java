package org.snplab.results.retention;

import org.quartz.JobDetail;
import org.quartz.Trigger;
import org.snplab.Every;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Runs the retention clean-up every {@code snplab.retention.interval} (daily by default). */
@Configuration(proxyBeanMethods = false)
class RetentionSchedule {

	@Bean
	JobDetail retentionJob() {
		return Every.job(RetentionJob.class, "results", "retention");
	}

	@Bean
	Trigger retentionTrigger(JobDetail retentionJob, RetentionProperties properties) {
		return Every.trigger(retentionJob, properties.interval());
	}
}
