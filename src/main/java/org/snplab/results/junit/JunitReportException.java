package org.snplab.results.junit;

/**
 * A JUnit XML report that cannot be accepted: broken XML, a DOCTYPE, too large, too deeply nested, or not a
 * JUnit report. The message names the file and, where known, the line and column, e.g.
 * {@code "report.xml line 12, column 5: XML document structures must start and end within the same entity."}.
 */
public class JunitReportException extends Exception {

	private static final long serialVersionUID = 1L;

	JunitReportException(String message) {
		super(message);
	}

	JunitReportException(String message, Throwable cause) {
		super(message, cause);
	}
}
