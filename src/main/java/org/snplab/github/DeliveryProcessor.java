package org.snplab.github;

import org.snplab.AfterCommit;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.repositories.Repositories;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.task.TaskExecutor;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Processes accepted deliveries from the table, after the webhook was answered: kicked right after the accepting
 * insert, and by a Quartz job for anything a dead or busy server left behind. Each delivery is processed in one
 * transaction with its row locked, so its runs, statuses and outcome commit together or not at all.
 */
@Component
class DeliveryProcessor {

	private static final Logger log = LoggerFactory.getLogger(DeliveryProcessor.class);

	private static final int MAX_ATTEMPTS = 5;

	private final Deliveries deliveries;

	private final WebhookEvents events;

	private final Repositories repositories;

	private final TransactionTemplate transactions;

	private final JsonMapper json;

	private final AfterCommit background;

	DeliveryProcessor(Deliveries deliveries, WebhookEvents events, Repositories repositories,
			TransactionTemplate transactions, JsonMapper json,
			@Qualifier("githubDeliveriesThread") TaskExecutor thread) {
		this.background = new AfterCommit(thread, this::drain);
		this.deliveries = deliveries;
		this.events = events;
		this.repositories = repositories;
		this.transactions = transactions;
		this.json = json;
	}

	void kick() {
		background.kick();
	}

	/** Processes every due delivery; returns how many. */
	int drain() {
		int handled = 0;
		while (true) {
			AtomicReference<Deliveries.Accepted> current = new AtomicReference<>();
			try {
				if (!Boolean.TRUE.equals(transactions.execute(tx -> processNext(current)))) {
					return handled;
				}
			}
			catch (RuntimeException | StackOverflowError ex) {
				if (current.get() == null) {
					throw ex;
				}
				log.warn("Processing delivery {} failed; will retry", current.get().id(), ex);
				recordFailure(current.get().id(), ex);
			}
			handled++;
		}
	}

	/**
	 * Records the failure, so the delivery backs off and ends after {@link #MAX_ATTEMPTS} instead of staying due and
	 * being taken first by every pass. Should even the (cleaned) error text not go in, the attempt is recorded without
	 * it; only a database that refuses every write (down) leaves the row as it was, and then nothing else goes either.
	 */
	private void recordFailure(long id, Throwable error) {
		try {
			transactions.executeWithoutResult(tx -> deliveries.failed(id, error.toString(), MAX_ATTEMPTS));
		}
		catch (RuntimeException unrecorded) {
			log.warn("Recording the failure of delivery {} failed; recording it without the error text", id, unrecorded);
			transactions.executeWithoutResult(tx -> deliveries.failed(id, error.getClass().getName()
					+ " (its message could not be stored; see the server log)", MAX_ATTEMPTS));
		}
	}

	private boolean processNext(AtomicReference<Deliveries.Accepted> current) {
		Optional<Deliveries.Accepted> next = deliveries.lockNext();
		if (next.isEmpty()) {
			return false;
		}
		Deliveries.Accepted delivery = next.get();
		current.set(delivery);
		deliveries.lockRepository(String.valueOf(delivery.repository()));
		String outcome = repositories.find(delivery.repository())
			.map(repository -> events.handle(delivery.event(), json.readTree(delivery.payload()), repository))
			.orElse("ignored: repository " + delivery.repository() + " is no longer configured");
		log.info("Delivery {} ({} on {}): {}", delivery.id(), delivery.event(), delivery.repository(), outcome);
		deliveries.processed(delivery.id(), outcome);
		return true;
	}
}
