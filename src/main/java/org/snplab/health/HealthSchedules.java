package org.snplab.health;

import java.time.Duration;

import org.quartz.JobDetail;
import org.quartz.Trigger;
import org.snplab.Every;
import org.snplab.hosts.HealthProperties;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Looks for due health checks every minute (or every interval, if shorter), through clustered Quartz; whether one
 * is due is decided with the injected clock ({@link HealthChecks#queueDue}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "snplab.health.enabled", havingValue = "true", matchIfMissing = true)
class HealthSchedules {

	@Bean
	JobDetail healthCheckJob() {
		return Every.job(HealthCheckJob.class, "health", "checks-due");
	}

	@Bean
	Trigger healthCheckTrigger(JobDetail healthCheckJob, HealthProperties properties) {
		Duration every = properties.interval().compareTo(Duration.ofMinutes(1)) < 0 ? properties.interval() : Duration.ofMinutes(1);
		return Every.trigger(healthCheckJob, every);
	}
}
