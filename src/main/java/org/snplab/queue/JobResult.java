package org.snplab.queue;

/** How a job attempt ended. */
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

	public String value() {
		return name().toLowerCase();
	}

	public static JobResult of(String value) {
		try {
			return valueOf(value.toUpperCase());
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			throw org.snplab.RequestException.badRequest(
					"result must be one of passed, failed, timed_out, canceled, infra_error; got " + value);
		}
	}
}
