package org.snplab.agent.worker;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.agent.api.ApiException;

/**
 * Retries a server call through network errors and 5xx with exponential backoff (0.5 s doubling to 30 s). The
 * jitter keeps the agents of a whole lab from hammering a server that just came back all in the same instant.
 */
public final class Retry {

	private static final Logger log = LoggerFactory.getLogger(Retry.class);

	static final Duration FIRST = Duration.ofMillis(500);

	static final Duration MAX = Duration.ofSeconds(30);

	private Duration next = FIRST;

	/** A call that may fail with an {@link IOException}. */
	@FunctionalInterface
	public interface Call<T> {

		T call() throws IOException, InterruptedException;
	}

	/** Whether an error may go away by itself; 409 and 401 never do. */
	public static boolean retryable(IOException e) {
		return !(e instanceof ApiException api) || api.retryable();
	}

	/** Sleeps for the next backoff delay. */
	public void pause() throws InterruptedException {
		long millis = next.toMillis();
		Thread.sleep(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
		next = next.multipliedBy(2).compareTo(MAX) > 0 ? MAX : next.multipliedBy(2);
	}

	public void reset() {
		next = FIRST;
	}

	/** Calls until it succeeds, fails for good, or {@code within} has passed (then the last error is thrown). */
	public static <T> T call(String what, Duration within, Call<T> call) throws IOException, InterruptedException {
		long deadline = System.nanoTime() + within.toNanos();
		Retry retry = new Retry();
		while (true) {
			try {
				return call.call();
			}
			catch (IOException e) {
				if (!retryable(e) || System.nanoTime() > deadline) {
					throw e;
				}
				log.warn("{} failed, retrying: {}", what, e.getMessage());
				retry.pause();
			}
		}
	}
}
