package org.snplab.security;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

/**
 * Failed logins, counted per user and address and per address over a minute from the first failure. Past a limit
 * the login is refused at once (429): guessing passwords stays slow, and costs no bcrypt check.
 */
final class FailedLogins {

	static final int PER_USER_AND_ADDRESS = 10;

	// Higher: many users may share an address (a lab's NAT), and one of them mistyping must not lock out the rest.
	static final int PER_ADDRESS = 50;

	static final Duration WINDOW = Duration.ofMinutes(1);

	private final Cache<String, AtomicInteger> counts;

	FailedLogins(Ticker ticker) {
		// Expiry after the first write only: the window starts at the first failure and isn't stretched by more.
		this.counts = Caffeine.newBuilder().expireAfterWrite(WINDOW).maximumSize(100_000).ticker(ticker).build();
	}

	/** @throws TooManyFailedLogins when this user or this address failed too often in the last minute */
	void check(String user, String address) {
		if (count(userAt(user, address)) >= PER_USER_AND_ADDRESS) {
			throw new TooManyFailedLogins(PER_USER_AND_ADDRESS + " failed logins of user " + user + " from " + address
					+ " within " + WINDOW.toMinutes() + " minute: wait a minute before trying again");
		}
		if (count(address) >= PER_ADDRESS) {
			throw new TooManyFailedLogins(PER_ADDRESS + " failed logins from " + address + " within "
					+ WINDOW.toMinutes() + " minute: wait a minute before trying again");
		}
	}

	void failed(String user, String address) {
		counts.get(userAt(user, address), key -> new AtomicInteger()).incrementAndGet();
		counts.get(address, key -> new AtomicInteger()).incrementAndGet();
	}

	private int count(String key) {
		AtomicInteger count = counts.getIfPresent(key);
		return count == null ? 0 : count.get();
	}

	private static String userAt(String user, String address) {
		return user + "\u0000" + address;
	}
}
