package org.snplab.queue;

import java.time.Duration;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.SnplabProperties;
import org.snplab.hosts.Host;
import org.snplab.protocol.AgentProtocol;
import org.snplab.scheduler.Placement;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.TaskExecutor;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.http.ResponseEntity;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * Long polling: an idle agent's poll is parked here, its slot ready for the {@link SchedulingPass}, until a pass
 * assigns it a job, then answered at once. An arriving poll asks for a pass ({@link PassTrigger}) rather than
 * running one. A parked poll holds no servlet thread. The pass's {@code host:<id>}
 * NOTIFY reaches the instance holding the poll, whichever it is; a slow sweep covers a lost notification connection.
 */
@Component
class Dispatcher implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

	private final JobQueue queue;

	private final ReadySlots readySlots;

	private final PassTrigger passes;

	private final Queue<Waiter> waiters = new ConcurrentLinkedQueue<>();

	private final TaskExecutor takers;

	/** Set when the server starts to shut down: polls are no longer parked here. */
	private volatile boolean stopping;

	private volatile boolean running;

	Dispatcher(JobQueue queue, ReadySlots readySlots, PassTrigger passes, JobNotifications notifications,
			SnplabProperties properties, @Qualifier("dispatchTakers") TaskExecutor takers,
			@Qualifier("dispatchSweeper") TaskScheduler sweeper) {
		this.queue = queue;
		this.takers = takers;
		this.readySlots = readySlots;
		this.passes = passes;
		notifications.subscribe(this::wake);
		// This instance's parked polls needn't wait for the NOTIFY's round trip through PostgreSQL.
		passes.onPlaced(placements -> placements.stream()
			.mapToLong(Placement::hostId)
			.distinct()
			.forEach(host -> wake(JobNotifications.HOST + host)));
		Duration sweep = properties.queue().pollSweep();
		sweeper.scheduleWithFixedDelay(() -> wake(JobNotifications.RECONNECTED), sweeper.getClock().instant().plus(sweep),
				sweep);
	}

	/**
	 * Answers with a job now if one is waiting (a plain response: no async dispatch), else parks the poll for up to
	 * {@code wait} (a {@link DeferredResult}).
	 */
	Object poll(Host host, int slot, Duration wait) {
		if (stopping) {
			// Shutting down: the agent polls again at once, through the proxy, on another instance.
			return ResponseEntity.noContent().build();
		}
		if (wait.isZero()) {
			return queue.claim(host, slot).map(ResponseEntity::ok).orElseGet(() -> ResponseEntity.noContent().build());
		}
		queue.checkSlot(host, slot);
		boolean workQueued = queue.arrive(host, slot, wait);
		Optional<AgentProtocol.Job> now = host.takesWork() ? queue.take(host.id(), slot) : Optional.empty();
		if (now.isPresent()) {
			readySlots.answered(host.id(), slot);
			return ResponseEntity.ok(now.get());
		}
		DeferredResult<ResponseEntity<AgentProtocol.Job>> result = new DeferredResult<>(wait.toMillis());
		Waiter waiter = new Waiter(host, slot, result);
		result.onTimeout(() -> timedOut(waiter));
		result.onError(error -> close(waiter));
		result.onCompletion(() -> waiters.remove(waiter));
		waiters.add(waiter);
		// The poll doesn't run a pass itself: it asks for one (polls arriving together share it) and parks.
		if (workQueued) {
			passes.request();
		}
		// A pass that ran between the take above and parking would otherwise wait for the next notification.
		tryTake(waiter);
		return result;
	}

	private void wake(String payload) {
		boolean all = JobNotifications.RECONNECTED.equals(payload);
		if (!all && !payload.startsWith(JobNotifications.HOST)) {
			return;
		}
		long hostId = all ? -1 : Long.parseLong(payload.substring(JobNotifications.HOST.length()));
		for (Waiter waiter : waiters) {
			if (all || waiter.host.id() == hostId) {
				tryTake(waiter);
			}
		}
	}

	private void tryTake(Waiter waiter) {
		if (!waiter.taking.compareAndSet(false, true)) {
			waiter.again.set(true);
			return;
		}
		try {
			takers.execute(() -> take(waiter));
		}
		catch (TaskRejectedException stopping) {
			// The server is shutting down: stop() hands the poll back.
			waiter.taking.set(false);
		}
	}

	private void take(Waiter waiter) {
		try {
			do {
				waiter.again.set(false);
				if (waiter.closed.get()) {
					return;
				}
				Optional<AgentProtocol.Job> job = queue.take(waiter.host.id(), waiter.slot);
				if (job.isPresent()) {
					deliver(waiter, job.get());
					return;
				}
			}
			while (waiter.again.get());
		}
		catch (RuntimeException ex) {
			log.warn("Taking the job of a parked agent failed; it will be retried on the next wake-up", ex);
		}
		finally {
			waiter.taking.set(false);
		}
	}

	private void deliver(Waiter waiter, AgentProtocol.Job job) {
		if (!waiter.closed.compareAndSet(false, true) || !waiter.result.setResult(ResponseEntity.ok(job))) {
			// The poll ended (timeout, disconnect) while we took the job: the agent will never see it.
			queue.unclaim(job);
		}
		readySlots.answered(waiter.host.id(), waiter.slot);
		waiters.remove(waiter);
	}

	/** The wait is over: the slot stops being ready, and a job a pass assigned it at the last moment is still given. */
	private void timedOut(Waiter waiter) {
		if (waiter.closed.compareAndSet(false, true)) {
			try {
				Optional<AgentProtocol.Job> job = queue.answered(waiter.host, waiter.slot);
				waiter.result.setResult(job.<ResponseEntity<AgentProtocol.Job>>map(ResponseEntity::ok)
					.orElseGet(() -> ResponseEntity.noContent().build()));
			}
			catch (RuntimeException ex) {
				log.warn("Ending a parked poll failed", ex);
				waiter.result.setResult(ResponseEntity.noContent().build());
			}
		}
		waiters.remove(waiter);
	}

	private void close(Waiter waiter) {
		if (waiter.closed.compareAndSet(false, true)) {
			readySlots.answered(waiter.host.id(), waiter.slot);
		}
		waiters.remove(waiter);
	}

	@Override
	public void start() {
		stopping = false;
		running = true;
	}

	/**
	 * A graceful shutdown first hands every parked poll back (with the job a pass gave it at the last moment, if any,
	 * else empty), so that its agent polls another instance at once instead of holding this one's shutdown open for
	 * the rest of its wait. Runs before the web server's graceful shutdown (the highest phase stops first).
	 */
	@Override
	public void stop() {
		stopping = true;
		for (Waiter waiter : waiters) {
			timedOut(waiter);
		}
		running = false;
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	@Override
	public int getPhase() {
		return Integer.MAX_VALUE;
	}

	private static final class Waiter {

		final Host host;

		final int slot;

		final DeferredResult<ResponseEntity<AgentProtocol.Job>> result;

		final AtomicBoolean taking = new AtomicBoolean();

		final AtomicBoolean again = new AtomicBoolean();

		final AtomicBoolean closed = new AtomicBoolean();

		Waiter(Host host, int slot, DeferredResult<ResponseEntity<AgentProtocol.Job>> result) {
			this.host = host;
			this.slot = slot;
			this.result = result;
		}
	}
}
