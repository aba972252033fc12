package org.snplab.results.junit;

import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import javax.xml.XMLConstants;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import org.snplab.results.junit.TestCase.Status;

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

	private static final Pattern JDK_PREFIX = Pattern.compile("^ParseError at \\[row,col\\]:\\[-?\\d+,-?\\d+\\]\\s*Message:\\s*");

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
		Run run = null;
		try {
			reader = newFactory().createXMLStreamReader(in);
			run = new Run(reader, file);
			return run.read();
		}
		catch (XMLStreamException ex) {
			throw translate(ex, ex.getLocation(), in, file, run);
		}
		catch (RuntimeException ex) {
			// the JDK parser can throw unchecked exceptions on some garbage; never let them out
			throw translate(ex, reader == null ? null : safeLocation(reader), in, file, run);
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

	private static XMLInputFactory newFactory() {
		// the JDK's own implementation, whatever StAX providers are on the class path
		XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
		factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
		factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
		factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, true);
		factory.setProperty(XMLInputFactory.IS_COALESCING, false);
		// hand long text and CDATA over in chunks instead of one string per section (JDK 9+ property)
		factory.setProperty("jdk.xml.cdataChunkSize", 8192);
		factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
		factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
		factory.setXMLReporter((message, errorType, info, location) -> {
			// errors arrive as exceptions; warnings are of no use here. (One JDK path, a byte that is not valid in
			// the document's encoding, still prints a "[Fatal Error]" line to stderr before throwing.)
		});
		factory.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
			throw new XMLStreamException("external resource not allowed: " + systemId);
		});
		return factory;
	}

	private JunitReportException translate(Exception ex, Location location, LimitedInputStream in, String file,
			Run run) {
		if (in.exceeded()) {
			return new JunitReportException(file + " is larger than the limit of " + in.maxBytes() + " bytes", ex);
		}
		String reason = ex.getMessage();
		if (ex instanceof XMLStreamException xse && xse.getNestedException() != null
				&& (reason == null || reason.isBlank())) {
			reason = xse.getNestedException().getMessage();
		}
		reason = (reason == null || reason.isBlank()) ? ex.getClass().getSimpleName()
				: JDK_PREFIX.matcher(reason.strip()).replaceFirst("").strip();
		if (!(ex instanceof XMLStreamException)) {
			reason = "unreadable XML (" + ex.getClass().getSimpleName() + ": " + reason + ")";
		}
		String inside = run == null ? "" : run.openPath();
		return new JunitReportException(file + where(location) + ": " + reason
				+ (inside.isEmpty() ? "" : " (inside " + inside + ")"), ex);
	}

	private static Location safeLocation(XMLStreamReader reader) {
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

	private enum Kind {
		SUITES, SUITE, CASE, RESULT, STACK_TRACE, TEXT, IGNORED
	}

	/** One open element. */
	private static final class Frame {

		final Kind kind;

		final String element;

		final Suite suite; // SUITES, SUITE: the suite; others: the enclosing suite

		final Case kase; // CASE and below

		final Result result; // RESULT and below

		final BoundedText text; // where this element's character data goes, or null

		Frame(Kind kind, String element, Suite suite, Case kase, Result result, BoundedText text) {
			this.kind = kind;
			this.element = element;
			this.suite = suite;
			this.kase = kase;
			this.result = result;
			this.text = text;
		}
	}

	private static final class Suite {

		final Suite parent;

		final String name;

		final long tests;

		final long failures;

		final long errors;

		final long skipped;

		final boolean hasCounts;

		final List<Integer> directCases = new ArrayList<>();

		long casesBelow;

		boolean countsUsedBelow;

		BoundedText out;

		BoundedText err;

		Suite(Suite parent, String name, long tests, long failures, long errors, long skipped, boolean hasCounts) {
			this.parent = parent;
			this.name = name;
			this.tests = tests;
			this.failures = failures;
			this.errors = errors;
			this.skipped = skipped;
			this.hasCounts = hasCounts;
		}
	}

	private static final class Case {

		final String suite;

		final String className;

		final String name;

		final double time;

		final String statusAttr;

		final List<Result> results = new ArrayList<>(1);

		BoundedText out;

		BoundedText err;

		Case(String suite, String className, String name, double time, String statusAttr) {
			this.suite = suite;
			this.className = className;
			this.name = name;
			this.time = time;
			this.statusAttr = statusAttr;
		}
	}

	private static final class Result {

		final Status status;

		final boolean flaky;

		final String message;

		final String type;

		final BoundedText body;

		BoundedText stackTrace;

		BoundedText out;

		BoundedText err;

		Result(Status status, boolean flaky, String message, String type, BoundedText body) {
			this.status = status;
			this.flaky = flaky;
			this.message = message;
			this.type = type;
			this.body = body;
		}

		String details() {
			String trace = stackTrace == null ? null : stackTrace.valueOrNull();
			return trace != null ? trace : body.valueOrNull();
		}
	}

	/** The state of one parse. */
	private final class Run {

		private final XMLStreamReader reader;

		private final String file;

		private final Deque<Frame> open = new ArrayDeque<>();

		private final List<TestCase> cases = new ArrayList<>();

		private long attrTests;

		private long attrFailures;

		private long attrErrors;

		private long attrSkipped;

		Run(XMLStreamReader reader, String file) {
			this.reader = reader;
			this.file = file;
		}

		TestReport read() throws XMLStreamException, JunitReportException {
			boolean sawRoot = false;
			while (true) {
				int event = reader.next();
				switch (event) {
					case XMLStreamConstants.DTD -> throw fail("DOCTYPE not allowed");
					case XMLStreamConstants.ENTITY_REFERENCE, XMLStreamConstants.ENTITY_DECLARATION,
							XMLStreamConstants.NOTATION_DECLARATION ->
						throw fail("entity declarations and references are not allowed");
					case XMLStreamConstants.START_ELEMENT -> {
						sawRoot = true;
						start();
					}
					case XMLStreamConstants.END_ELEMENT -> end();
					case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> text();
					case XMLStreamConstants.END_DOCUMENT -> {
						if (!sawRoot) {
							throw fail("no root element");
						}
						return report();
					}
					default -> {
						// comments, processing instructions
					}
				}
			}
		}

		String openPath() {
			StringBuilder path = new StringBuilder();
			for (Iterator<Frame> it = open.descendingIterator(); it.hasNext();) {
				Frame frame = it.next();
				if (path.length() > 0) {
					path.append(" > ");
				}
				path.append('<').append(frame.element).append('>');
				if (frame.kind == Kind.CASE && !frame.kase.name.isEmpty()) {
					path.append(" \"").append(BoundedText.truncate(frame.kase.name, 200)).append('"');
				}
			}
			return path.toString();
		}

		private JunitReportException fail(String reason) {
			return new JunitReportException(file + where(safeLocation(reader)) + ": " + reason);
		}

		private void start() throws JunitReportException {
			if (open.size() >= MAX_DEPTH) {
				throw fail("elements nested deeper than " + MAX_DEPTH);
			}
			String element = reader.getLocalName();
			Frame parent = open.peek();
			Frame frame;
			if (parent == null) {
				if (!element.equals("testsuites") && !element.equals("testsuite")) {
					throw fail("not a JUnit report: root element is <" + BoundedText.truncate(element, 100)
							+ ">, expected <testsuites> or <testsuite>");
				}
				frame = suiteFrame(element, null);
			}
			else {
				frame = switch (parent.kind) {
					case SUITES, SUITE -> switch (element) {
						case "testsuites", "testsuite" -> suiteFrame(element, parent.suite);
						case "testcase" -> caseFrame(parent.suite);
						case "system-out" -> textFrame(element, parent, parent.suite.out = orNew(parent.suite.out));
						case "system-err" -> textFrame(element, parent, parent.suite.err = orNew(parent.suite.err));
						default -> ignored(element, parent);
					};
					case CASE -> switch (element) {
						case "failure", "rerunFailure" -> resultFrame(element, parent, Status.FAILED, false);
						case "error", "rerunError" -> resultFrame(element, parent, Status.ERRORED, false);
						case "flakyFailure", "flakyError" -> resultFrame(element, parent, Status.PASSED, true);
						case "skipped" -> resultFrame(element, parent, Status.SKIPPED, false);
						case "system-out" -> textFrame(element, parent, parent.kase.out = orNew(parent.kase.out));
						case "system-err" -> textFrame(element, parent, parent.kase.err = orNew(parent.kase.err));
						default -> ignored(element, parent);
					};
					case RESULT -> switch (element) {
						case "stackTrace" -> new Frame(Kind.STACK_TRACE, element, parent.suite, parent.kase,
								parent.result, parent.result.stackTrace = orNew(parent.result.stackTrace));
						case "system-out" -> textFrame(element, parent, parent.result.out = orNew(parent.result.out));
						case "system-err" -> textFrame(element, parent, parent.result.err = orNew(parent.result.err));
						default -> ignored(element, parent);
					};
					default -> ignored(element, parent);
				};
			}
			open.push(frame);
		}

		private BoundedText orNew(BoundedText text) {
			return text != null ? text : new BoundedText(maxOutputChars);
		}

		private Frame ignored(String element, Frame parent) {
			return new Frame(Kind.IGNORED, element, parent.suite, parent.kase, parent.result, null);
		}

		private Frame textFrame(String element, Frame parent, BoundedText text) {
			return new Frame(Kind.TEXT, element, parent.suite, parent.kase, parent.result, text);
		}

		private Frame suiteFrame(String element, Suite parent) throws JunitReportException {
			String name = attr("name");
			if (name == null) {
				name = parent != null ? parent.name : "";
			}
			Long tests = count("tests");
			Long failures = count("failures");
			Long errors = count("errors");
			Long skipped = count("skipped");
			boolean hasCounts = tests != null || failures != null || errors != null || skipped != null;
			long f = failures == null ? 0 : failures;
			long e = errors == null ? 0 : errors;
			long s = skipped == null ? 0 : skipped;
			long t = Math.max(tests == null ? 0 : tests, f + e + s);
			Suite suite = new Suite(parent, name, t, f, e, s, hasCounts);
			return new Frame(element.equals("testsuites") ? Kind.SUITES : Kind.SUITE, element, suite, null, null,
					null);
		}

		private Frame caseFrame(Suite suite) throws JunitReportException {
			if (cases.size() >= MAX_CASES) {
				throw fail("more than " + MAX_CASES + " test cases");
			}
			String className = attr("classname");
			if (className == null) {
				className = attr("class");
			}
			String name = attr("name");
			Case kase = new Case(suite.name, className == null ? "" : className, name == null ? "" : name,
					seconds(reader.getAttributeValue(null, "time")), attr("status"));
			return new Frame(Kind.CASE, "testcase", suite, kase, null, null);
		}

		private Frame resultFrame(String element, Frame parent, Status status, boolean flaky) {
			Result result = new Result(status, flaky, attr("message"), attr("type"), new BoundedText(maxOutputChars));
			parent.kase.results.add(result);
			return new Frame(Kind.RESULT, element, parent.suite, parent.kase, result, result.body);
		}

		private void text() {
			Frame frame = open.peek();
			if (frame != null && frame.text != null) {
				frame.text.append(reader.getTextCharacters(), reader.getTextStart(), reader.getTextLength());
			}
		}

		private void end() throws JunitReportException {
			Frame frame = open.pop();
			if (frame.kind == Kind.CASE) {
				finishCase(frame.kase, frame.suite);
			}
			else if (frame.kind == Kind.SUITE || frame.kind == Kind.SUITES) {
				finishSuite(frame.suite);
			}
		}

		private void finishCase(Case kase, Suite suite) {
			Status status = Status.PASSED;
			Result chosen = null;
			Result firstFlaky = null;
			for (Result result : kase.results) {
				if (result.flaky) {
					firstFlaky = firstFlaky == null ? result : firstFlaky;
				}
				else if (rank(result.status) > rank(status)) {
					status = result.status;
					chosen = result;
				}
			}
			if (chosen == null && kase.statusAttr != null) {
				switch (kase.statusAttr.strip().toLowerCase(java.util.Locale.ROOT)) {
					case "skipped", "notrun", "disabled", "ignored" -> status = Status.SKIPPED;
					default -> {
						// "run", "passed", ... : results come from child elements
					}
				}
			}
			boolean flaky = firstFlaky != null && status == Status.PASSED;
			if (chosen == null && flaky) {
				chosen = firstFlaky;
			}
			String message = null;
			String type = null;
			String details = null;
			String out = valueOf(kase.out);
			String err = valueOf(kase.err);
			if (chosen != null) {
				details = chosen.details();
				message = chosen.message != null && !chosen.message.isBlank() ? chosen.message : firstLine(details);
				type = chosen.type;
				out = out != null ? out : valueOf(chosen.out);
				err = err != null ? err : valueOf(chosen.err);
			}
			suite.directCases.add(cases.size());
			suite.casesBelow++;
			cases.add(new TestCase(kase.suite, kase.className, kase.name, status, kase.time, message, type, details,
					out, err, flaky));
		}

		private void finishSuite(Suite suite) throws JunitReportException {
			String out = valueOf(suite.out);
			String err = valueOf(suite.err);
			if (out != null || err != null) {
				for (int index : suite.directCases) {
					TestCase c = cases.get(index);
					if ((c.systemOut() == null && out != null) || (c.systemErr() == null && err != null)) {
						cases.set(index, c.withOutput(c.systemOut() != null ? c.systemOut() : out,
								c.systemErr() != null ? c.systemErr() : err));
					}
				}
			}
			if (suite.casesBelow == 0 && !suite.countsUsedBelow && suite.hasCounts) {
				attrTests += suite.tests;
				attrFailures += suite.failures;
				attrErrors += suite.errors;
				attrSkipped += suite.skipped;
				if (attrTests > Integer.MAX_VALUE) {
					throw fail("suite counts are implausibly large");
				}
				suite.countsUsedBelow = true;
			}
			if (suite.parent != null) {
				suite.parent.casesBelow += suite.casesBelow;
				suite.parent.countsUsedBelow |= suite.countsUsedBelow;
			}
		}

		private TestReport report() {
			long failures = attrFailures;
			long errors = attrErrors;
			long skipped = attrSkipped;
			for (TestCase c : cases) {
				switch (c.status()) {
					case FAILED -> failures++;
					case ERRORED -> errors++;
					case SKIPPED -> skipped++;
					case PASSED -> {
					}
				}
			}
			return new TestReport((int) (attrTests + cases.size()), (int) failures, (int) errors, (int) skipped,
					cases);
		}

		private String attr(String name) {
			return BoundedText.truncate(reader.getAttributeValue(null, name), maxOutputChars);
		}

		private Long count(String name) {
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
	}

	private static String valueOf(BoundedText text) {
		return text == null ? null : text.valueOrNull();
	}

	private static int rank(Status status) {
		return switch (status) {
			case PASSED -> 0;
			case SKIPPED -> 1;
			case FAILED -> 2;
			case ERRORED -> 3;
		};
	}

	/** Seconds from a {@code time} attribute; 0 when missing or unreadable ("1,234.5" and "0.5s" are read). */
	static double seconds(String value) {
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

	/** The first non-blank line, stripped, or null. */
	static String firstLine(String text) {
		if (text == null) {
			return null;
		}
		for (String line : (Iterable<String>) text.lines()::iterator) {
			if (!line.isBlank()) {
				return line.strip();
			}
		}
		return null;
	}
}
