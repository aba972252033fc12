package org.snplab.results.junit;

import org.snplab.results.junit.Frame.Kind;
import org.snplab.results.junit.TestCase.Status;

/**
 * Decides what an opening element means from where it sits, and opens the frame for it. Elements a report
 * may carry but JUnit results do not need (properties, custom tags) are ignored, not refused.
 */
final class ElementFrames {

	private final Attributes attributes;

	private final ReportErrors reportErrors;

	private final ReportTally tally;

	private final int maxOutputChars;

	ElementFrames(Attributes attributes, ReportErrors reportErrors, ReportTally tally, int maxOutputChars) {
		this.attributes = attributes;
		this.reportErrors = reportErrors;
		this.tally = tally;
		this.maxOutputChars = maxOutputChars;
	}

	Frame root(String element) throws JunitReportException {
		if (!element.equals("testsuites") && !element.equals("testsuite")) {
			throw reportErrors.at("not a JUnit report: root element is <" + BoundedText.truncate(element, 100)
					+ ">, expected <testsuites> or <testsuite>");
		}
		return suiteFrame(element, null);
	}

	Frame child(Frame parent, String element) throws JunitReportException {
		return switch (parent.kind) {
			case SUITES, SUITE -> switch (element) {
				case "testsuites", "testsuite" -> suiteFrame(element, parent.suite);
				case "testcase" -> caseFrame(parent.suite);
				case "system-out" -> textFrame(element, parent, parent.suite.out = orNew(parent.suite.out));
				case "system-err" -> textFrame(element, parent, parent.suite.err = orNew(parent.suite.err));
				default -> ignored(element, parent);
			};
			case CASE -> switch (element) {
				// surefire's reruns that failed again count like a plain failure or error
				case "failure", "rerunFailure" -> resultFrame(element, parent, Status.FAILED, false);
				case "error", "rerunError" -> resultFrame(element, parent, Status.ERRORED, false);
				case "flakyFailure", "flakyError" -> resultFrame(element, parent, Status.PASSED, true);
				case "skipped" -> resultFrame(element, parent, Status.SKIPPED, false);
				case "system-out" -> textFrame(element, parent, parent.kase.out = orNew(parent.kase.out));
				case "system-err" -> textFrame(element, parent, parent.kase.err = orNew(parent.kase.err));
				default -> ignored(element, parent);
			};
			case RESULT -> switch (element) {
				case "stackTrace" -> new Frame(Kind.STACK_TRACE, element, parent.suite, parent.kase, parent.result,
						parent.result.stackTrace = orNew(parent.result.stackTrace));
				case "system-out" -> textFrame(element, parent, parent.result.out = orNew(parent.result.out));
				case "system-err" -> textFrame(element, parent, parent.result.err = orNew(parent.result.err));
				default -> ignored(element, parent);
			};
			default -> ignored(element, parent);
		};
	}

	// an element that appears twice appends to the same text rather than replacing it
	private BoundedText orNew(BoundedText text) {
		return text != null ? text : new BoundedText(maxOutputChars);
	}

	private Frame ignored(String element, Frame parent) {
		return new Frame(Kind.IGNORED, element, parent.suite, parent.kase, parent.result, null);
	}

	private Frame textFrame(String element, Frame parent, BoundedText text) {
		return new Frame(Kind.TEXT, element, parent.suite, parent.kase, parent.result, text);
	}

	private Frame suiteFrame(String element, OpenSuite parent) {
		String name = attributes.text("name");
		if (name == null) {
			name = parent != null ? parent.name : "";
		}
		Long tests = attributes.count("tests");
		Long failures = attributes.count("failures");
		Long errors = attributes.count("errors");
		Long skipped = attributes.count("skipped");
		boolean hasCounts = tests != null || failures != null || errors != null || skipped != null;
		long f = failures == null ? 0 : failures;
		long e = errors == null ? 0 : errors;
		long s = skipped == null ? 0 : skipped;
		long t = Math.max(tests == null ? 0 : tests, f + e + s);
		OpenSuite suite = new OpenSuite(parent, name, t, f, e, s, hasCounts);
		return new Frame(element.equals("testsuites") ? Kind.SUITES : Kind.SUITE, element, suite, null, null, null);
	}

	private Frame caseFrame(OpenSuite suite) throws JunitReportException {
		if (tally.caseCount() >= JunitParser.MAX_CASES) {
			throw reportErrors.at("more than " + JunitParser.MAX_CASES + " test cases");
		}
		String className = attributes.text("classname");
		if (className == null) {
			className = attributes.text("class");
		}
		String name = attributes.text("name");
		OpenCase kase = new OpenCase(suite.name, className == null ? "" : className, name == null ? "" : name,
				attributes.seconds("time"), attributes.text("status"));
		return new Frame(Kind.CASE, "testcase", suite, kase, null, null);
	}

	private Frame resultFrame(String element, Frame parent, Status status, boolean flaky) {
		OpenResult result = new OpenResult(status, flaky, attributes.text("message"), attributes.text("type"),
				new BoundedText(maxOutputChars));
		parent.kase.results.add(result);
		return new Frame(Kind.RESULT, element, parent.suite, parent.kase, result, result.body);
	}
}
