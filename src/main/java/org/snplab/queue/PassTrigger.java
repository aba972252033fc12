package org.snplab.queue;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.scheduler.SchedulerProperties;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Runs the {@link SchedulingPass} on every event that can change a decision (a NOTIFY from any server instance: job
 * queued, finished or requeued, host changed) and on a short interval as a safety net. A burst of events costs at
 * most one pass running and one pending: the pending pass starts after all of them and sees them all.
 */
@Component
class PassTrigger implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(PassTrigger.class);

	private final SchedulingPass pass;

	private final AtomicBoolean pending = new AtomicBoolean();

	private final ScheduledExecutorService runner = Executors.newSingleThreadScheduledExecutor(runnable -> {
		Thread thread = new Thread(runnable, "snplab-scheduling-pass");
		thread.setDaemon(true);
		return thread;
	});

	PassTrigger(SchedulingPass pass, JobNotifications notifications, SchedulerProperties properties) {
		this.pass = pass;
		notifications.subscribe(payload -> {
			if (!payload.startsWith(JobNotifications.HOST)) {
				request();
			}
		});
		long interval = properties.interval().toMillis();
		runner.scheduleWithFixedDelay(this::request, interval, interval, TimeUnit.MILLISECONDS);
	}

	void request() {
		if (pending.compareAndSet(false, true)) {
			runner.execute(this::runPending);
		}
	}

	private void runPending() {
		pending.set(false);
		try {
			pass.run();
		}
		catch (RuntimeException ex) {
			log.warn("Scheduling pass failed; the next event or interval runs it again", ex);
		}
	}

	@Override
	public void destroy() {
		runner.shutdownNow();
	}
}
