package org.snplab.results.junit;

/** One open element of the report, with the suite, case and result it belongs to. */
final class Frame {

	enum Kind {
		SUITES, SUITE, CASE, RESULT, STACK_TRACE, TEXT, IGNORED
	}

	final Kind kind;

	final String element;

	final OpenSuite suite; // SUITES, SUITE: the suite; others: the enclosing suite

	final OpenCase kase; // CASE and below

	final OpenResult result; // RESULT and below

	final BoundedText text; // where this element's character data goes, or null

	Frame(Kind kind, String element, OpenSuite suite, OpenCase kase, OpenResult result, BoundedText text) {
		this.kind = kind;
		this.element = element;
		this.suite = suite;
		this.kase = kase;
		this.result = result;
		this.text = text;
	}
}
