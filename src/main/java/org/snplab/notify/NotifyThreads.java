package org.snplab.notify;

import org.snplab.AfterCommit;
import org.snplab.BackgroundThreads;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/** The notification outbox's {@link AfterCommit} thread (see {@link BackgroundThreads}). */
@Configuration(proxyBeanMethods = false)
class NotifyThreads {

	/** {@link NotificationSender}: unsent notifications, sent one at a time. */
	@Bean
	ThreadPoolTaskExecutor notificationsThread() {
		return BackgroundThreads.pool("snplab-notifications", 1);
	}
}
