package org.snplab.scheduler;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The clock the scheduler reads time from: tests replace it with one they move by hand. */
@Configuration(proxyBeanMethods = false)
class SchedulerConfiguration {

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}
}
