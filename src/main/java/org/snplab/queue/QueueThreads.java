package org.snplab.queue;

import org.snplab.BackgroundThreads;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/** The queue's background threads (see {@link BackgroundThreads}). */
@Configuration(proxyBeanMethods = false)
class QueueThreads {

	/** {@link Dispatcher}: take the job a pass assigned to a parked poll, off the notification's thread. */
	@Bean
	ThreadPoolTaskExecutor dispatchTakers() {
		return BackgroundThreads.pool("snplab-take", 8);
	}

	/** {@link Dispatcher}: the slow sweep over parked polls, in case a notification was lost. */
	@Bean
	ThreadPoolTaskScheduler dispatchSweeper() {
		return BackgroundThreads.scheduler("snplab-sweep", 1);
	}

	/** {@link PassTrigger}: one scheduling pass at a time, on request and on its interval. */
	@Bean
	ThreadPoolTaskScheduler schedulingPassRunner() {
		return BackgroundThreads.scheduler("snplab-scheduling-pass", 1);
	}

	/** {@link JobNotifications}: the thread that holds the LISTEN connection for as long as the server runs. */
	@Bean
	SimpleAsyncTaskExecutor jobNotificationsListener() {
		SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("snplab-job-notifications-");
		executor.setDaemon(true);
		return executor;
	}
}
