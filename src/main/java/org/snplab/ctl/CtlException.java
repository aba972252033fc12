package org.snplab.ctl;

/** Why a ctl command failed, in one line, with the exit code scripts see. */
final class CtlException extends RuntimeException {

	/** The server refused the request (4xx): wrong id, no permission, a state that forbids it. */
	static final int REFUSED = 1;

	/** Usage errors are picocli's 2. The server couldn't be reached, or failed (5xx). */
	static final int UNREACHABLE = 3;

	/** {@code logs -f} followed a job to its end and it didn't pass. */
	static final int JOB_DID_NOT_PASS = 4;

	private final int exitCode;

	private CtlException(int exitCode, String message) {
		super(message, null, false, false);
		this.exitCode = exitCode;
	}

	static CtlException refused(String message) {
		return new CtlException(REFUSED, message);
	}

	static CtlException unreachable(String message) {
		return new CtlException(UNREACHABLE, message);
	}

	int exitCode() {
		return exitCode;
	}
}
