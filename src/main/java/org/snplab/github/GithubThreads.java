package org.snplab.github;

import org.snplab.AfterCommit;
import org.snplab.BackgroundThreads;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/** The GitHub outboxes' {@link AfterCommit} threads (see {@link BackgroundThreads}). */
@Configuration(proxyBeanMethods = false)
class GithubThreads {

	/** {@link DeliveryProcessor}: accepted webhook deliveries, processed one at a time. */
	@Bean
	ThreadPoolTaskExecutor githubDeliveriesThread() {
		return BackgroundThreads.pool("snplab-github-deliveries", 1);
	}

	/** {@link StatusSender}: commit statuses, posted one at a time. */
	@Bean
	ThreadPoolTaskExecutor githubStatusesThread() {
		return BackgroundThreads.pool("snplab-github-statuses", 1);
	}
}
