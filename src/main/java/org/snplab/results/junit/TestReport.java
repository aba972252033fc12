package org.snplab.results.junit;

import java.util.List;

/**
 * What one JUnit XML report says: counts computed from its test cases, and the cases themselves.
 * A suite that lists counts but no test cases contributes its attribute counts (and no cases).
 */
public record TestReport(int tests, int failures, int errors, int skipped, List<TestCase> cases) {

	public TestReport {
		cases = List.copyOf(cases);
	}

	/** Tests that neither failed, errored nor were skipped (never negative). */
	public int passed() {
		return Math.max(0, tests - failures - errors - skipped);
	}
}
