package org.snplab.queue;

import java.time.Duration;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.SnplabProperties;
import org.snplab.hosts.Host;
import org.snplab.hosts.HostRegistry;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * Long polling: an idle agent's poll is parked here until a job it can run is queued, then answered at once.
 * A parked poll holds no servlet thread. Wake-ups come from {@link JobNotifications}; a slow sweep covers anything
 * a lost notification connection could have missed.
 */
@Component
class Dispatcher implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

	private final JobQueue queue;

	private final RequirementSets requirementSets;

	private final HostRegistry hosts;

	private final Queue<Waiter> waiters = new ConcurrentLinkedQueue<>();

	private final ExecutorService claimers = Executors.newFixedThreadPool(8, daemon("snplab-claim"));

	private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(daemon("snplab-sweep"));

	Dispatcher(JobQueue queue, RequirementSets requirementSets, HostRegistry hosts, JobNotifications notifications,
			SnplabProperties properties) {
		this.queue = queue;
		this.requirementSets = requirementSets;
		this.hosts = hosts;
		notifications.subscribe(this::wake);
		long sweep = properties.queue().pollSweep().toMillis();
		sweeper.scheduleWithFixedDelay(() -> wake(JobNotifications.ANY), sweep, sweep, TimeUnit.MILLISECONDS);
	}

	/**
	 * Answers with a job now if one is waiting (a plain response: no async dispatch), else parks the poll for up to
	 * {@code wait} (a {@link DeferredResult}).
	 */
	Object poll(Host host, int slot, Duration wait) {
		Optional<ClaimedJob> now = queue.claim(host, slot);
		if (now.isPresent()) {
			return ResponseEntity.ok(now.get());
		}
		if (wait.isZero()) {
			return ResponseEntity.noContent().build();
		}
		DeferredResult<ResponseEntity<ClaimedJob>> result = new DeferredResult<>(wait.toMillis());
		Waiter waiter = new Waiter(host.id(), slot, result);
		result.onTimeout(() -> close(waiter, ResponseEntity.noContent().build()));
		result.onError(error -> close(waiter, null));
		result.onCompletion(() -> waiters.remove(waiter));
		waiters.add(waiter);
		// A job queued between the claim above and parking would otherwise wait for the next notification.
		tryClaim(waiter);
		return result;
	}

	private void wake(String payload) {
		if (!JobNotifications.ANY.equals(payload)) {
			long setId = Long.parseLong(payload);
			requirementSets.get(setId); // learn sets queued by other instances
		}
		else {
			requirementSets.refresh();
		}
		for (Waiter waiter : waiters) {
			if (JobNotifications.ANY.equals(payload) || waiter.wants(payload)) {
				tryClaim(waiter);
			}
		}
	}

	private void tryClaim(Waiter waiter) {
		if (!waiter.claiming.compareAndSet(false, true)) {
			waiter.again.set(true);
			return;
		}
		claimers.execute(() -> {
			try {
				do {
					waiter.again.set(false);
					if (waiter.closed.get()) {
						return;
					}
					Optional<Host> host = hosts.find(waiter.hostId);
					if (host.isEmpty()) {
						return;
					}
					waiter.sets = requirementSets.matching(host.get());
					Optional<ClaimedJob> job = queue.claim(host.get(), waiter.slot);
					if (job.isPresent()) {
						deliver(waiter, job.get());
						return;
					}
				}
				while (waiter.again.get());
			}
			catch (RuntimeException ex) {
				log.warn("Claim for a parked agent failed; it will be retried on the next wake-up", ex);
			}
			finally {
				waiter.claiming.set(false);
			}
		});
	}

	private void deliver(Waiter waiter, ClaimedJob job) {
		if (!waiter.closed.compareAndSet(false, true) || !waiter.result.setResult(ResponseEntity.ok(job))) {
			// The poll ended (timeout, disconnect) while we claimed: the agent will never see this job.
			queue.unclaim(job);
		}
		waiters.remove(waiter);
	}

	private void close(Waiter waiter, ResponseEntity<ClaimedJob> response) {
		if (waiter.closed.compareAndSet(false, true) && response != null) {
			waiter.result.setResult(response);
		}
		waiters.remove(waiter);
	}

	@Override
	public void destroy() {
		sweeper.shutdownNow();
		claimers.shutdownNow();
	}

	private static java.util.concurrent.ThreadFactory daemon(String name) {
		return runnable -> {
			Thread thread = new Thread(runnable, name);
			thread.setDaemon(true);
			return thread;
		};
	}

	private static final class Waiter {

		final long hostId;

		final int slot;

		final DeferredResult<ResponseEntity<ClaimedJob>> result;

		final AtomicBoolean claiming = new AtomicBoolean();

		final AtomicBoolean again = new AtomicBoolean();

		final AtomicBoolean closed = new AtomicBoolean();

		volatile long[] sets = new long[0];

		Waiter(long hostId, int slot, DeferredResult<ResponseEntity<ClaimedJob>> result) {
			this.hostId = hostId;
			this.slot = slot;
			this.result = result;
		}

		boolean wants(String setId) {
			long id = Long.parseLong(setId);
			for (long set : sets) {
				if (set == id) {
					return true;
				}
			}
			// Sets not yet matched against this host (new since it parked) are worth a look.
			return sets.length == 0 || id > sets[sets.length - 1];
		}
	}
}
