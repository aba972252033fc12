package org.snplab.queue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.scheduler.Placement;
import org.snplab.scheduler.SchedulerProperties;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Runs the {@link SchedulingPass} on every event that can change a decision (a NOTIFY from any server instance: job
 * queued, finished or requeued, host changed; a poll arriving on this instance) and on a short interval as a safety
 * net. Requests coalesce: while a pass runs, every request is answered by the one pass that starts after it, so a
 * burst of polls costs one pass placing on all their slots at once, and no request is ever lost.
 */
@Component
class PassTrigger implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(PassTrigger.class);

	private final SchedulingPass pass;

	private final QueueMetrics metrics;

	/** Completed by the next pass to start; null when none is waiting to start. */
	private CompletableFuture<List<Placement>> next;

	private final List<Consumer<List<Placement>>> placedListeners = new CopyOnWriteArrayList<>();

	/** One thread: passes never overlap on this instance. */
	private final ThreadPoolTaskScheduler runner;

	PassTrigger(SchedulingPass pass, JobNotifications notifications, SchedulerProperties properties,
			QueueMetrics metrics, @Qualifier("schedulingPassRunner") ThreadPoolTaskScheduler runner) {
		this.pass = pass;
		this.metrics = metrics;
		this.runner = runner;
		notifications.subscribe(payload -> {
			if (!payload.startsWith(JobNotifications.HOST)) {
				request();
			}
		});
		Duration interval = properties.interval();
		runner.scheduleWithFixedDelay(this::request, runner.getClock().instant().plus(interval), interval);
	}

	/**
	 * Asks for a pass that starts after this call.
	 * @return completed with that pass's placements when it has committed (empty if it failed, or if the server is
	 *         shutting down and runs no more passes)
	 */
	synchronized CompletableFuture<List<Placement>> request() {
		if (next == null) {
			next = new CompletableFuture<>();
			try {
				runner.execute(this::runNext);
			}
			catch (TaskRejectedException stopping) {
				next.complete(List.of());
				CompletableFuture<List<Placement>> none = next;
				next = null;
				return none;
			}
		}
		return next;
	}

	/** Called on the pass's thread with each pass's placements, after it committed: this instance's parked polls. */
	void onPlaced(Consumer<List<Placement>> listener) {
		placedListeners.add(listener);
	}

	private void runNext() {
		CompletableFuture<List<Placement>> mine;
		synchronized (this) {
			mine = next;
			next = null;
		}
		List<Placement> placements = List.of();
		try {
			placements = pass.run();
			metrics.passRan();
		}
		catch (RuntimeException ex) {
			log.warn("Scheduling pass failed; the next event or interval runs it again", ex);
		}
		mine.complete(placements);
		if (!placements.isEmpty()) {
			for (Consumer<List<Placement>> listener : placedListeners) {
				try {
					listener.accept(placements);
				}
				catch (RuntimeException ex) {
					log.warn("A placement listener failed; the host's NOTIFY still wakes its polls", ex);
				}
			}
		}
	}

	/** A caller still waiting for a pass (the runner, a bean of its own, is shut down by the context) gets none. */
	@Override
	public void destroy() {
		synchronized (this) {
			if (next != null) {
				next.complete(List.of());
			}
		}
	}
}
