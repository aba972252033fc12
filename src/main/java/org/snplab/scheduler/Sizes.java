package org.snplab.scheduler;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Memory sizes as people write them: {@code 8G}, {@code 8GiB}, {@code 512M}, {@code 1.5T}; counted in MiB. */
public final class Sizes {

	private static final Pattern SIZE = Pattern.compile("(\\d{1,9}(?:\\.\\d{1,3})?)\\s*([KMGT])(?:I?B)?", Pattern.CASE_INSENSITIVE);

	private Sizes() {
	}

	/**
	 * @throws IllegalArgumentException saying what a size looks like, for a message naming where it was written
	 */
	public static long megabytes(String text) {
		Matcher m = text == null ? null : SIZE.matcher(text.trim());
		if (m == null || !m.matches()) {
			throw new IllegalArgumentException("must be a size like 8G or 512M, got "
					+ (text == null ? "nothing" : "`" + text + "`"));
		}
		double number = Double.parseDouble(m.group(1));
		double mib = switch (m.group(2).toUpperCase(Locale.ROOT)) {
			case "K" -> number / 1024;
			case "M" -> number;
			case "G" -> number * 1024;
			default -> number * 1024 * 1024;
		};
		return (long) Math.ceil(mib);
	}

	/** {@code 8 GiB} for whole GiB, else {@code 1536 MiB}. */
	public static String format(long megabytes) {
		return megabytes % 1024 == 0 ? megabytes / 1024 + " GiB" : megabytes + " MiB";
	}
}
