package org.snplab.pipeline;

import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Version-like values: digits separated by dots, optionally followed by a suffix, e.g.
 * {@code 11.0}, {@code 1.55.38}, {@code 65536}, {@code 6.11.0-rc3-snp-host}, {@code 9.2.0+ds}.
 * The suffix must not start with a digit or a dot; after a bare number (no dot) it must not start
 * with a letter either, so hex values like {@code 0x1a} are not versions.
 */
final class Versions {

	private static final Pattern VERSION = Pattern.compile("(\\d+(?:\\.\\d+)*)(.*)", Pattern.DOTALL);

	private Versions() {
	}

	/** The numeric dotted part, or null if {@code s} does not look like a version. */
	static String numericPart(String s) {
		Matcher m = VERSION.matcher(s);
		if (!m.matches()) {
			return null;
		}
		String number = m.group(1);
		String suffix = m.group(2);
		if (!suffix.isEmpty()) {
			char c = suffix.charAt(0);
			if (Character.isDigit(c) || c == '.' || (!number.contains(".") && Character.isLetter(c))) {
				return null;
			}
		}
		return number;
	}

	static boolean isVersion(String s) {
		return numericPart(s) != null;
	}

	/** The suffix after the numeric part ("" if none); only call for versions. */
	static String suffix(String s) {
		return s.substring(numericPart(s).length());
	}

	/**
	 * Compares the numeric parts segment by segment; missing segments count as 0, so
	 * {@code 6.11 == 6.11.0} and {@code 6.11.0-rc3 == 6.11}. Both arguments must be versions.
	 */
	static int compare(String a, String b) {
		String[] x = numericPart(a).split("\\.");
		String[] y = numericPart(b).split("\\.");
		for (int i = 0; i < Math.max(x.length, y.length); i++) {
			BigInteger p = i < x.length ? new BigInteger(x[i]) : BigInteger.ZERO;
			BigInteger q = i < y.length ? new BigInteger(y[i]) : BigInteger.ZERO;
			int c = p.compareTo(q);
			if (c != 0) {
				return c;
			}
		}
		return 0;
	}
}
