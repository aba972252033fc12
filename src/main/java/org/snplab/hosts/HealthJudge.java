package org.snplab.hosts;

import java.util.Map;
import java.util.Optional;

/**
 * Judges a host's fresh facts against those it had: SNP turned off or firmware downgraded under a running host
 * makes it bad at once, without waiting for its next health check.
 */
final class HealthJudge {

	private HealthJudge() {
	}

	/** Why the host got worse, e.g. "SNP turned off: sev_snp was true, now false"; empty if it didn't. */
	static Optional<String> worsened(Map<String, String> before, Map<String, String> now) {
		if ("true".equals(before.get("sev_snp")) && !"true".equals(now.get("sev_snp"))) {
			String status = now.get("snp.status");
			return Optional.of("SNP turned off: sev_snp was true, now " + now.getOrDefault("sev_snp", "absent")
					+ (status == null ? "" : " (" + status + ")"));
		}
		String was = before.get("snp.firmware");
		String is = now.get("snp.firmware");
		if (isVersion(was) && isVersion(is) && compare(is, was) < 0) {
			return Optional.of("SNP firmware downgraded: snp.firmware was " + was + ", now " + is);
		}
		return Optional.empty();
	}

	private static boolean isVersion(String text) {
		return text != null && text.matches("\\d+(\\.\\d+)*([ .\\-_].*)?");
	}

	/** Compares dotted version numbers ("1.55.21" < "1.55.22"); parts that aren't numbers compare as text. */
	static int compare(String a, String b) {
		String[] x = a.strip().split("[.\\-_ ]");
		String[] y = b.strip().split("[.\\-_ ]");
		for (int i = 0; i < Math.max(x.length, y.length); i++) {
			String p = i < x.length ? x[i] : "0";
			String q = i < y.length ? y[i] : "0";
			int c = p.matches("\\d{1,18}") && q.matches("\\d{1,18}") ? Long.compare(Long.parseLong(p), Long.parseLong(q))
					: p.compareTo(q);
			if (c != 0) {
				return c;
			}
		}
		return 0;
	}
}
