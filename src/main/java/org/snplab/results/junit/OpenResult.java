package org.snplab.results.junit;

import org.snplab.results.junit.TestCase.Status;

/** A {@code <failure>}, {@code <error>}, {@code <skipped>} or surefire rerun/flaky element being read. */
final class OpenResult {

	final Status status;

	final boolean flaky;

	final String message;

	final String type;

	final BoundedText body;

	BoundedText stackTrace;

	BoundedText out;

	BoundedText err;

	OpenResult(Status status, boolean flaky, String message, String type, BoundedText body) {
		this.status = status;
		this.flaky = flaky;
		this.message = message;
		this.type = type;
		this.body = body;
	}

	/** Surefire puts a rerun's trace in {@code <stackTrace>}; it is the better detail when present. */
	String details() {
		String trace = stackTrace == null ? null : stackTrace.valueOrNull();
		return trace != null ? trace : body.valueOrNull();
	}
}
