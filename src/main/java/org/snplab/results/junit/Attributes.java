package org.snplab.results.junit;

import javax.xml.stream.XMLStreamReader;

/** Reads the current element's attributes the lenient way reports from many tools need. */
final class Attributes {

	private final XMLStreamReader reader;

	private final int maxChars;

	Attributes(XMLStreamReader reader, int maxChars) {
		this.reader = reader;
		this.maxChars = maxChars;
	}

	/** The value, truncated to the text limit, or null when missing. */
	String text(String name) {
		return BoundedText.truncate(reader.getAttributeValue(null, name), maxChars);
	}

	/** A count, capped at {@code Integer.MAX_VALUE}; null when missing, negative or unreadable. */
	Long count(String name) {
		String value = reader.getAttributeValue(null, name);
		if (value == null) {
			return null;
		}
		try {
			long n = Long.parseLong(value.strip());
			return n < 0 ? null : Math.min(n, Integer.MAX_VALUE);
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	double seconds(String name) {
		return parseSeconds(reader.getAttributeValue(null, name));
	}

	/** Seconds from a {@code time} attribute; 0 when missing or unreadable ("1,234.5" and "0.5s" are read). */
	static double parseSeconds(String value) {
		if (value == null) {
			return 0;
		}
		String s = value.strip().replace(",", "");
		if (s.endsWith("s")) {
			s = s.substring(0, s.length() - 1).strip();
		}
		if (s.isEmpty() || s.length() > 40) {
			return 0;
		}
		try {
			double d = Double.parseDouble(s);
			return Double.isFinite(d) && d > 0 ? d : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}
}
