package org.snplab;

import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The server's background threads are Spring's executors, declared as beans by the module that uses them, so the
 * application context stops them in order when it closes: after the beans that use them have stopped, the running
 * task is left to finish (the close waits for it, within {@code spring.lifecycle.timeout-per-shutdown-phase}), then
 * they are shut down: what was scheduled is cancelled, and a task offered afterwards is refused with
 * {@link org.springframework.core.task.TaskRejectedException}, which the owner treats as "stopping". Their threads are
 * named {@code <name>-<n>} and are daemons, so a context never closed can't keep the JVM alive.
 */
public final class BackgroundThreads {

	private BackgroundThreads() {
	}

	/** A fixed pool of {@code threads} threads taking tasks in order of arrival. */
	public static ThreadPoolTaskExecutor pool(String name, int threads) {
		ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
		executor.setCorePoolSize(threads);
		executor.setMaxPoolSize(threads);
		executor.setThreadNamePrefix(name + "-");
		executor.setDaemon(true);
		return executor;
	}

	/** A scheduler of fixed-delay and one-off tasks on {@code threads} threads. */
	public static ThreadPoolTaskScheduler scheduler(String name, int threads) {
		ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
		scheduler.setPoolSize(threads);
		scheduler.setThreadNamePrefix(name + "-");
		scheduler.setDaemon(true);
		scheduler.setRemoveOnCancelPolicy(true);
		return scheduler;
	}
}
