package org.snplab.results.junit;

import java.util.Locale;

import org.snplab.results.junit.TestCase.Status;

/** Turns everything read inside one {@code <testcase>} into its single {@link TestCase}. */
final class CaseOutcome {

	private CaseOutcome() {
	}

	/**
	 * The worst non-flaky result decides the status (a rerun that failed again is a failure); flaky results only
	 * make a passing case flaky.
	 */
	static TestCase of(OpenCase kase) {
		Status status = Status.PASSED;
		OpenResult chosen = null;
		OpenResult firstFlaky = null;
		for (OpenResult result : kase.results) {
			if (result.flaky) {
				firstFlaky = firstFlaky == null ? result : firstFlaky;
			}
			else if (rank(result.status) > rank(status)) {
				status = result.status;
				chosen = result;
			}
		}
		if (chosen == null && kase.statusAttr != null) {
			switch (kase.statusAttr.strip().toLowerCase(Locale.ROOT)) {
				case "skipped", "notrun", "disabled", "ignored" -> status = Status.SKIPPED;
				default -> {
					// "run", "passed", ... : results come from child elements
				}
			}
		}
		boolean flaky = firstFlaky != null && status == Status.PASSED;
		if (chosen == null && flaky) {
			chosen = firstFlaky;
		}
		String message = null;
		String type = null;
		String details = null;
		String out = BoundedText.valueOf(kase.out);
		String err = BoundedText.valueOf(kase.err);
		if (chosen != null) {
			details = chosen.details();
			message = chosen.message != null && !chosen.message.isBlank() ? chosen.message : firstLine(details);
			type = chosen.type;
			out = out != null ? out : BoundedText.valueOf(chosen.out);
			err = err != null ? err : BoundedText.valueOf(chosen.err);
		}
		return new TestCase(kase.suite, kase.className, kase.name, status, kase.time, message, type, details, out,
				err, flaky);
	}

	private static int rank(Status status) {
		return switch (status) {
			case PASSED -> 0;
			case SKIPPED -> 1;
			case FAILED -> 2;
			case ERRORED -> 3;
		};
	}

	/** The first non-blank line, stripped, or null. */
	static String firstLine(String text) {
		if (text == null) {
			return null;
		}
		for (String line : (Iterable<String>) text.lines()::iterator) {
			if (!line.isBlank()) {
				return line.strip();
			}
		}
		return null;
	}
}
