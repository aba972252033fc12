package org.snplab.results.junit;

import java.util.regex.Pattern;

import javax.xml.stream.Location;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Builds the {@link JunitReportException}s of one parse, so every message names the file and, when known, the
 * line and column.
 */
final class ReportErrors {

	private static final Pattern JDK_PREFIX = Pattern.compile("^ParseError at \\[row,col\\]:\\[-?\\d+,-?\\d+\\]\\s*Message:\\s*");

	private final String file;

	private final XMLStreamReader reader;

	ReportErrors(String file, XMLStreamReader reader) {
		this.file = file;
		this.reader = reader;
	}

	/** A report the parser read fine but refuses, at the reader's current position. */
	JunitReportException at(String reason) {
		return new JunitReportException(file + where(safeLocation(reader)) + ": " + reason);
	}

	/**
	 * A failure of the XML parser or the byte limit.
	 * @param openPath the elements open when it failed, outermost first; empty when none or unknown
	 */
	static JunitReportException translate(Exception ex, Location location, LimitedInputStream in, String file,
			String openPath) {
		if (in.exceeded()) {
			return new JunitReportException(file + " is larger than the limit of " + in.maxBytes() + " bytes", ex);
		}
		String reason = ex.getMessage();
		if (ex instanceof XMLStreamException xse && xse.getNestedException() != null
				&& (reason == null || reason.isBlank())) {
			reason = xse.getNestedException().getMessage();
		}
		// the JDK repeats row and column in its message; ours says them once, in words
		reason = (reason == null || reason.isBlank()) ? ex.getClass().getSimpleName()
				: JDK_PREFIX.matcher(reason.strip()).replaceFirst("").strip();
		if (!(ex instanceof XMLStreamException)) {
			reason = "unreadable XML (" + ex.getClass().getSimpleName() + ": " + reason + ")";
		}
		return new JunitReportException(file + where(location) + ": " + reason
				+ (openPath.isEmpty() ? "" : " (inside " + openPath + ")"), ex);
	}

	static Location safeLocation(XMLStreamReader reader) {
		try {
			return reader.getLocation();
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private static String where(Location location) {
		if (location == null || location.getLineNumber() < 0) {
			return "";
		}
		return " line " + location.getLineNumber()
				+ (location.getColumnNumber() >= 0 ? ", column " + location.getColumnNumber() : "");
	}
}
