package org.snplab.agent.probe;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SEV facts from the kernel log. Only explicit messages count: the ring buffer of a long-running host may have
 * rotated, so a missing line proves nothing. Kernels differ in wording (5.x "SEV-ES and SEV-SNP supported: N ASIDs"
 * vs 6.x "SEV-SNP enabled (ASIDs a - b)"), and both may appear in one log.
 */
record DmesgParser(Optional<String> sevFirmware, Optional<String> snpFirmware, Optional<String> snpAsidsEnabled,
		Optional<String> snpAsidsSupported, Optional<String> snpFailure) {

	private static final Pattern SEV_API = Pattern.compile("SEV API:(\\d+)\\.(\\d+) build:(\\d+)");

	private static final Pattern SNP_API = Pattern.compile("SEV-SNP API:(\\d+)\\.(\\d+) build:(\\d+)");

	private static final Pattern SNP_ENABLED = Pattern.compile("SEV-SNP enabled \\(ASIDs (\\d+) - (\\d+)\\)");

	private static final Pattern SNP_SUPPORTED = Pattern.compile("SEV-ES and SEV-SNP supported: (\\d+) ASIDs");

	private static final Pattern SNP_INIT_FAILED = Pattern.compile("SEV-SNP: failed to INIT.*?error (0x[0-9a-fA-F]+)");

	private static final Pattern SNP_FW_TOO_OLD = Pattern
		.compile("SEV-SNP support requires firmware version >= (\\d+)[:.](\\d+)");

	static DmesgParser parse(String log) {
		Optional<String> sevFw = last(SEV_API, log).map(DmesgParser::version);
		Optional<String> snpFw = last(SNP_API, log).map(DmesgParser::version);
		Optional<String> enabled = last(SNP_ENABLED, log)
			.map(m -> String.valueOf(Long.parseLong(m.group(2)) - Long.parseLong(m.group(1)) + 1));
		Optional<String> supported = last(SNP_SUPPORTED, log).map(m -> m.group(1));
		Optional<String> failure = last(SNP_INIT_FAILED, log).map(m -> "SNP INIT failed (error " + m.group(1) + ")")
			.or(() -> last(SNP_FW_TOO_OLD, log)
				.map(m -> "SNP firmware too old (" + sevFw.map(v -> "have " + v + ", ").orElse("") + "needs >= "
						+ m.group(1) + "." + m.group(2) + ")"));
		return new DmesgParser(sevFw, snpFw, enabled, supported, failure);
	}

	static DmesgParser empty() {
		return new DmesgParser(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
	}

	/** The last match wins: after a firmware update the PSP re-reports its (new) version. */
	private static Optional<Matcher> last(Pattern pattern, String log) {
		Matcher m = pattern.matcher(log);
		Matcher found = null;
		while (m.find()) {
			found = pattern.matcher(log);
			found.find(m.start());
		}
		return Optional.ofNullable(found);
	}

	private static String version(Matcher m) {
		return Integer.parseInt(m.group(1)) + "." + Integer.parseInt(m.group(2)) + "." + Integer.parseInt(m.group(3));
	}
}
