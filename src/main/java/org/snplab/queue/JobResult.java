package org.snplab.queue;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a job attempt ended. Each constant is stored (and sent by the agent, shown in JSON and on pages) as its
 * {@link #value()}, the text the {@code job.result} and {@code job_attempt.result} check constraints allow.
 */
public enum JobResult {
	/** Every step exited 0. */
	PASSED,
	/** A step exited non-zero: the code under test failed. Never retried automatically. */
	FAILED,
	/** The job ran longer than its timeout and was killed. */
	TIMED_OUT,
	/** Someone canceled it, or a newer push superseded it. */
	CANCELED,
	/** The lab failed, not the code: checkout failed, the agent was lost, a step could not start. Retried. */
	INFRA_ERROR;

	/** The stored and sent text: {@code passed}, {@code infra_error}, ... */
	@JsonValue
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** The result sent or stored as {@code value}; a 400 naming the allowed values for any other text. */
	public static JobResult of(String value) {
		for (JobResult result : values()) {
			if (result.value().equals(value)) {
				return result;
			}
		}
		throw new org.snplab.InvalidInputException(
				"result must be one of passed, failed, timed_out, canceled, infra_error; got " + value);
	}

	/** Whether the code under test decided it (passed, failed, timed out), not the lab or a person. */
	public boolean decidedByCode() {
		return this == PASSED || this == FAILED || this == TIMED_OUT;
	}

	/** The stored text, so templates and log lines read as before. */
	@Override
	public String toString() {
		return value();
	}
}
