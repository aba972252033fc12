package org.snplab.web.jobs;

import org.snplab.BackgroundThreads;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/** {@link LogFollower}'s polling threads (see {@link BackgroundThreads}). */
@Configuration(proxyBeanMethods = false)
class LogFollowerThreads {

	@Bean
	ThreadPoolTaskScheduler logFollowTimer() {
		return BackgroundThreads.scheduler("snplab-log-follower", 2);
	}
}
