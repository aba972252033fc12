package org.snplab;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.task.TaskExecutor;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * One background thread that drains a table, kicked once the transaction that wrote to the table commits (at once
 * outside a transaction). Kicks while it drains coalesce into one more pass. Missing a kick loses nothing: a Quartz
 * job drains the same table every few seconds, so a kick while the server shuts down (its thread refuses new work)
 * is dropped. The outboxes (GitHub deliveries and statuses, notifications) use it, each with a single-thread executor
 * bean of its own ({@link BackgroundThreads#pool}) that the context shuts down.
 */
public final class AfterCommit {

	private static final Logger log = LoggerFactory.getLogger(AfterCommit.class);

	private final TaskExecutor executor;

	private final Runnable drain;

	private final AtomicBoolean pending = new AtomicBoolean();

	/** @param thread a single thread: drains never overlap */
	public AfterCommit(TaskExecutor thread, Runnable drain) {
		this.executor = thread;
		this.drain = drain;
	}

	public void kick() {
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
