package org.snplab;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.snplab.support.Eventually;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The background threads' executors in a real application context: named daemon threads; closing the context stops
 * them, waits for the running task to finish (not interrupted), then shuts them down: no new task, nothing scheduled.
 */
class BackgroundThreadsUnitTests {

	@Configuration(proxyBeanMethods = false)
	static class Threads {

		@Bean
		ThreadPoolTaskExecutor worker() {
			return BackgroundThreads.pool("snplab-test-worker", 1);
		}

		@Bean
		ThreadPoolTaskScheduler timer() {
			return BackgroundThreads.scheduler("snplab-test-timer", 1);
		}
	}

	@Test
	void threadsAreNamedDaemonsAndTheContextStopsThemInOrder() throws Exception {
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(Threads.class);
		ThreadPoolTaskExecutor worker = context.getBean("worker", ThreadPoolTaskExecutor.class);
		ThreadPoolTaskScheduler timer = context.getBean("timer", ThreadPoolTaskScheduler.class);

		AtomicReference<Thread> workerThread = new AtomicReference<>();
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicBoolean finished = new AtomicBoolean();
		worker.execute(() -> {
			workerThread.set(Thread.currentThread());
			running.countDown();
			try {
				finished.set(release.await(20, TimeUnit.SECONDS));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		CountDownLatch ticked = new CountDownLatch(1);
		var ticks = timer.scheduleWithFixedDelay(ticked::countDown, Duration.ofMillis(10));
		assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(ticked.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(workerThread.get().getName()).isEqualTo("snplab-test-worker-1");
		assertThat(workerThread.get().isDaemon()).isTrue();

		CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
		Eventually.await(Duration.ofSeconds(10), "the worker stopped", worker::isRunning, on -> !on);
		assertThat(closing).as("the close waits for the running task").isNotDone();

		release.countDown();
		closing.get(20, TimeUnit.SECONDS);
		assertThat(finished).as("the running task ran to its end, not interrupted").isTrue();
		assertThat(refuses(worker)).as("a closed context's executor takes no task").isTrue();
		assertThat(ticks.isCancelled()).as("what was scheduled is cancelled").isTrue();
		workerThread.get().join(10_000);
		assertThat(workerThread.get().isAlive()).isFalse();
	}

	private static boolean refuses(ThreadPoolTaskExecutor worker) {
		try {
			worker.execute(() -> { });
			return false;
		}
		catch (TaskRejectedException refused) {
			return true;
		}
	}
}
