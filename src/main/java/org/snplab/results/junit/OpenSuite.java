package org.snplab.results.junit;

import java.util.ArrayList;
import java.util.List;

/** A {@code <testsuite>} or {@code <testsuites>} being read. */
final class OpenSuite {

	final OpenSuite parent;

	final String name;

	final long tests;

	final long failures;

	final long errors;

	final long skipped;

	final boolean hasCounts;

	/** Indexes, in the report's case list, of the cases directly inside this suite. */
	final List<Integer> directCases = new ArrayList<>();

	long casesBelow;

	boolean countsUsedBelow;

	BoundedText out;

	BoundedText err;

	OpenSuite(OpenSuite parent, String name, long tests, long failures, long errors, long skipped,
			boolean hasCounts) {
		this.parent = parent;
		this.name = name;
		this.tests = tests;
		this.failures = failures;
		this.errors = errors;
		this.skipped = skipped;
		this.hasCounts = hasCounts;
	}
}
