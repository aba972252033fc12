package org.snplab.github;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * One background thread that drains a table, kicked once the transaction that wrote to the table commits (at once
 * outside a transaction). Kicks while it drains coalesce into one more pass. Missing a kick loses nothing: a Quartz
 * job drains the same table every few seconds.
 */
final class AfterCommit {

	private static final Logger log = LoggerFactory.getLogger(AfterCommit.class);

	private final ExecutorService executor;

	private final Runnable drain;

	private final AtomicBoolean pending = new AtomicBoolean();

	AfterCommit(String name, Runnable drain) {
		this.drain = drain;
		this.executor = Executors.newSingleThreadExecutor(r -> {
			Thread thread = new Thread(r, name);
			thread.setDaemon(true);
			return thread;
		});
	}

	void kick() {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					submit();
				}
			});
		}
		else {
			submit();
		}
	}

	void shutdown() {
		executor.shutdownNow();
	}

	private void submit() {
		if (!pending.compareAndSet(false, true)) {
			return;
		}
		try {
			executor.execute(() -> {
				pending.set(false);
				try {
					drain.run();
				}
				catch (RuntimeException ex) {
					log.warn("Background drain failed; the scheduled pass will retry", ex);
				}
			});
		}
		catch (RejectedExecutionException stopping) {
			pending.set(false);
		}
	}
}
