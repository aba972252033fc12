package org.snplab.agent.api;

import java.io.IOException;

/**
 * An HTTP answer the caller did not expect. It is an {@link IOException} so that 5xx, which a restarting server
 * gives, is retried like a dropped connection; {@link #retryable()} tells the two kinds apart.
 */
public class ApiException extends IOException {

	private final int status;

	public ApiException(int status, String message) {
		super(message);
		this.status = status;
	}

	public int status() {
		return status;
	}

	/** 5xx and 429 may go away by themselves; other 4xx won't. */
	public boolean retryable() {
		return status >= 500 || status == 429;
	}

	/** The server took this job attempt away (lease lost): stop working on it and never finish it. */
	public static final class LeaseLost extends ApiException {

		public LeaseLost(String message) {
			super(409, message);
		}
	}

	/** 401/403: the bearer token is not (or no longer) accepted; retrying can't help. */
	public static final class Rejected extends ApiException {

		public Rejected(int status, String message) {
			super(status, message);
		}
	}

	/**
	 * A 4xx the server explained (its problem's {@code detail}) about a request the caller made on someone's behalf (a
	 * step's {@code snplab-send}): the message is the server's reason, to be passed on as it is.
	 */
	public static final class Refused extends ApiException {

		public Refused(int status, String reason) {
			super(status, reason);
		}
	}

	/** 426: the server and this agent speak different agent protocols; the message says which to upgrade. */
	public static final class Outdated extends ApiException {

		public Outdated(String message) {
			super(426, message);
		}
	}
}
