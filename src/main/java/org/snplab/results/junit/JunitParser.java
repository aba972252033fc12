package org.snplab.results.junit;

import java.io.InputStream;
import java.util.Objects;

import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Streams a JUnit XML report (surefire, pytest, cargo-nextest, go-junit-report, Bazel, TestNG, ...) into a
 * {@link TestReport}, refusing what could hurt the server.
 * <ul>
 * <li>Uses the JDK's own StAX parser with DTDs off and no external entities or DTDs; any DOCTYPE is refused,
 * which shuts out XXE and entity-expansion bombs.</li>
 * <li>Reads at most {@code maxBytes} bytes, nests at most {@value #MAX_DEPTH} elements, keeps at most
 * {@value #MAX_CASES} test cases.</li>
 * <li>Keeps at most {@code maxOutputChars} chars of every text (system-out, system-err, failure body, attribute)
 * as it streams, marking the cut with {@code "… [truncated N chars]"}.</li>
 * </ul>
 * Counts come from the test cases; a case with several results counts once, as its worst (error, then
 * failure, then skipped). Only a suite with no test cases anywhere below it contributes the counts in its
 * attributes. {@code <system-out>}/{@code <system-err>} at suite level (Bazel puts the test log there) is given
 * to those cases of that suite that have none of their own. The input stream is not closed.
 * Thread-safe: one parser may serve many reports at once.
 */
public final class JunitParser {

	static final int MAX_DEPTH = 64;

	static final int MAX_CASES = 500_000;

	private final long maxBytes;

	private final int maxOutputChars;

	/**
	 * @param maxBytes       largest accepted report, in bytes (e.g. 50 MiB)
	 * @param maxOutputChars chars kept of each text (e.g. 64 KiB)
	 */
	public JunitParser(long maxBytes, int maxOutputChars) {
		if (maxBytes <= 0) {
			throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
		}
		if (maxOutputChars <= 0) {
			throw new IllegalArgumentException("maxOutputChars must be positive: " + maxOutputChars);
		}
		this.maxBytes = maxBytes;
		this.maxOutputChars = maxOutputChars;
	}

	/**
	 * Parses one report.
	 * @param xml      the report's bytes; read up to the limit, not closed
	 * @param fileName the report's name, used in error messages
	 * @throws JunitReportException when the report is broken, too large, has a DOCTYPE, or is not JUnit XML
	 */
	public TestReport parse(InputStream xml, String fileName) throws JunitReportException {
		Objects.requireNonNull(xml, "xml");
		String file = (fileName == null || fileName.isBlank()) ? "<unnamed report>" : fileName;
		LimitedInputStream in = new LimitedInputStream(xml, maxBytes);
		XMLStreamReader reader = null;
		ReportWalker walker = null;
		try {
			reader = HardenedStax.newFactory().createXMLStreamReader(in);
			walker = new ReportWalker(reader, file, maxOutputChars);
			return walker.read();
		}
		catch (XMLStreamException ex) {
			throw ReportErrors.translate(ex, ex.getLocation(), in, file, openPath(walker));
		}
		catch (RuntimeException ex) {
			// the JDK parser can throw unchecked exceptions on some garbage; never let them out
			throw ReportErrors.translate(ex, reader == null ? null : ReportErrors.safeLocation(reader), in, file,
					openPath(walker));
		}
		finally {
			if (reader != null) {
				try {
					reader.close();
				}
				catch (XMLStreamException | RuntimeException ignored) {
					// nothing left to release
				}
			}
		}
	}

	private static String openPath(ReportWalker walker) {
		return walker == null ? "" : walker.openPath();
	}
}
