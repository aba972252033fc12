package org.snplab.results.junit;

import java.util.Objects;

/**
 * One {@code <testcase>}. Identity strings ({@code suite}, {@code className}, {@code name}) are never null
 * (empty when the report leaves them out); {@code message}, {@code type}, {@code details},
 * {@code systemOut} and {@code systemErr} are null when absent. Texts longer than the parser's limit end with
 * a {@code "… [truncated N chars]"} marker.
 *
 * @param message the result's {@code message} attribute, or the first non-blank line of its body when the
 *                attribute is missing
 * @param details the failure/error/skipped body (surefire's {@code <stackTrace>} for flaky/rerun results)
 * @param flaky   true when surefire recorded {@code <flakyFailure>}/{@code <flakyError>}: the test failed, then
 *                passed on a rerun; the status is then PASSED and message/type/details describe the flaky run
 */
public record TestCase(String suite, String className, String name, Status status, double timeSeconds,
		String message, String type, String details, String systemOut, String systemErr, boolean flaky) {

	public enum Status {
		PASSED, FAILED, ERRORED, SKIPPED
	}

	public TestCase {
		Objects.requireNonNull(suite, "suite");
		Objects.requireNonNull(className, "className");
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(status, "status");
	}

	TestCase withOutput(String out, String err) {
		return new TestCase(suite, className, name, status, timeSeconds, message, type, details, out, err, flaky);
	}
}
