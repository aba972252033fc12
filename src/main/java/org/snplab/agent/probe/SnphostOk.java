package org.snplab.agent.probe;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Verdict of {@code snphost ok} or {@code sevctl ok} on SNP. Both print {@code [ PASS ] - Name: detail} lines;
 * newer snphost may print JSON ({@code failures[] {name, hint}}). Only checks whose name mentions SNP or RMP
 * matter; a JSON failure whose hint asks for sudo or the msr module is a permission problem, not a verdict.
 * The JSON is scanned with patterns, not a JSON parser, because captured outputs are often cut short.
 */
record SnphostOk(Verdict verdict, Optional<String> failedCheck, Optional<String> firmware) {

	enum Verdict {
		PASS, FAIL, INCONCLUSIVE;

		String fact() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}
	}

	private static final Pattern LINE = Pattern.compile("(?m)^\\[\\s*(PASS|FAIL|SKIP)\\s*\\]\\s*-\\s*(.+?)\\s*$");

	private static final Pattern FAILURES = Pattern.compile("\"failures\"\\s*:\\s*\\[([^\\]]*)");

	private static final Pattern SKIPPED = Pattern.compile("\"skipped\"\\s*:\\s*\\[([^\\]]*)");

	private static final Pattern NAMES = Pattern.compile("\"([^\"]*)\"");

	private static final Pattern OBJECT = Pattern.compile("\\{([^}]*)");

	private static final Pattern NAME = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]*)\"");

	private static final Pattern HINT = Pattern.compile("\"(?:fix_)?hint\"\\s*:\\s*\"([^\"]*)\"");

	private static final Pattern FIRMWARE = Pattern.compile("SEV firmware version: (\\d+\\.\\d+(?:\\.\\d+)?)");

	static SnphostOk parse(String output) {
		return output.stripLeading().startsWith("{") ? parseJson(output) : parseText(output);
	}

	private static SnphostOk parseText(String output) {
		Matcher m = LINE.matcher(output);
		boolean snpPassed = false;
		while (m.find()) {
			int colon = m.group(2).indexOf(": ");
			String name = colon < 0 ? m.group(2) : m.group(2).substring(0, colon);
			if (!isSnpCheck(name)) {
				continue;
			}
			if (m.group(1).equals("FAIL")) {
				return new SnphostOk(Verdict.FAIL, Optional.of(name), Optional.empty());
			}
			snpPassed |= m.group(1).equals("PASS");
		}
		Matcher fw = FIRMWARE.matcher(output);
		Optional<String> firmware = fw.find() ? Optional.of(fw.group(1)) : Optional.empty();
		return new SnphostOk(snpPassed ? Verdict.PASS : Verdict.INCONCLUSIVE, Optional.empty(), firmware);
	}

	private static SnphostOk parseJson(String output) {
		Matcher failures = FAILURES.matcher(output);
		if (!failures.find()) {
			return new SnphostOk(Verdict.INCONCLUSIVE, Optional.empty(), Optional.empty());
		}
		boolean snpFailedForPermissions = false;
		Matcher object = OBJECT.matcher(failures.group(1));
		while (object.find()) {
			Matcher name = NAME.matcher(object.group(1));
			if (!name.find() || !isSnpCheck(name.group(1))) {
				continue;
			}
			Matcher hint = HINT.matcher(object.group(1));
			String h = hint.find() ? hint.group(1) : "";
			if (h.contains("sudo") || h.contains("modprobe msr")) {
				snpFailedForPermissions = true;
			}
			else {
				return new SnphostOk(Verdict.FAIL, Optional.of(name.group(1)), Optional.empty());
			}
		}
		// No SNP failure listed: a pass only if the list was complete and nothing was waved through as permissions.
		Matcher skipped = SKIPPED.matcher(output);
		boolean snpSkipped = skipped.find()
				&& NAMES.matcher(skipped.group(1)).results().anyMatch(n -> isSnpCheck(n.group(1)));
		boolean complete = output.contains("\"summary\"") && !snpSkipped;
		return new SnphostOk(complete && !snpFailedForPermissions ? Verdict.PASS : Verdict.INCONCLUSIVE,
				Optional.empty(), Optional.empty());
	}

	private static boolean isSnpCheck(String name) {
		return name.contains("SNP") || name.contains("RMP");
	}
}
