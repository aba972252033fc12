package org.snplab.support;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a condition with a deadline instead of sleeping a fixed time. */
public final class Eventually {

	private Eventually() {
	}

	public static <T> T await(Duration timeout, String what, Supplier<T> value, java.util.function.Predicate<T> done) {
		long deadline = System.nanoTime() + timeout.toNanos();
		T last = null;
		while (System.nanoTime() < deadline) {
			try {
				last = value.get();
				if (done.test(last)) {
					return last;
				}
			}
			catch (RuntimeException ex) {
				// not there yet
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
		throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last value: " + last);
	}
}
