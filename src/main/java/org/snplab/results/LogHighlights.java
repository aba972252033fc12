package org.snplab.results;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds the line of a COCONUT-SVSM console log that explains a failure, so the job page can show it at the top
 * instead of leaving it somewhere in thousands of lines: a panic, QEMU's "KVM: entry failed", or, when neither is
 * there, a test run that stopped in a test (the runner prints {@code test NAME ...} before each test and
 * {@code All tests passed!} at the end, so the last test started without an end is where it stalled).
 */
public final class LogHighlights {

	private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]");

	private static final Pattern PANIC = Pattern.compile("Panic on CPU\\[\\d+\\]!|ERROR: Panic:");

	private static final Pattern KVM = Pattern.compile("KVM: entry failed");

	private static final Pattern TESTS_START = Pattern.compile("running \\d+ tests");

	private static final Pattern TEST_STARTED = Pattern.compile("\\btest \\S+ \\.\\.\\.\\s*$");

	private static final Pattern TESTS_END = Pattern.compile("All tests passed!|Kernel tests in svsm passed!");

	private LogHighlights() {
	}

	/** @param line 1-based line number, the anchor {@code #L<line>} on the job page */
	public record Highlight(int line, String kind, String text) {
	}

	/**
	 * @param lines the log's lines in order
	 * @param complete whether the log is finished; a running test is only a stall once nothing more will come
	 */
	public static Optional<Highlight> firstError(List<String> lines, boolean complete) {
		boolean testsRunning = false;
		int lastStarted = -1;
		for (int i = 0; i < lines.size(); i++) {
			String line = ANSI.matcher(lines.get(i)).replaceAll("");
			if (PANIC.matcher(line).find()) {
				return Optional.of(new Highlight(i + 1, "panic", line.strip()));
			}
			if (KVM.matcher(line).find()) {
				return Optional.of(new Highlight(i + 1, "kvm entry failed", line.strip()));
			}
			if (TESTS_START.matcher(line).find()) {
				testsRunning = true;
			}
			else if (TESTS_END.matcher(line).find()) {
				testsRunning = false;
			}
			else if (testsRunning && TEST_STARTED.matcher(line).find()) {
				lastStarted = i;
			}
		}
		if (complete && testsRunning && lastStarted >= 0) {
			String line = ANSI.matcher(lines.get(lastStarted)).replaceAll("").strip();
			return Optional.of(new Highlight(lastStarted + 1, "stall",
					"the run stopped during this test (no \"All tests passed!\" after it): " + line));
		}
		return Optional.empty();
	}
}
