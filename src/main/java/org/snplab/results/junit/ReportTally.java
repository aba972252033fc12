package org.snplab.results.junit;

import java.util.ArrayList;
import java.util.List;

/**
 * The cases and counts of one report. Counts come from the cases; a suite's count attributes are used only
 * when no case appears anywhere below it, so a report carrying both is not counted twice.
 */
final class ReportTally {

	private final ReportErrors reportErrors;

	private final List<TestCase> cases = new ArrayList<>();

	private long attrTests;

	private long attrFailures;

	private long attrErrors;

	private long attrSkipped;

	ReportTally(ReportErrors reportErrors) {
		this.reportErrors = reportErrors;
	}

	int caseCount() {
		return cases.size();
	}

	void addCase(OpenSuite suite, TestCase testCase) {
		suite.directCases.add(cases.size());
		suite.casesBelow++;
		cases.add(testCase);
	}

	void closeSuite(OpenSuite suite) throws JunitReportException {
		giveSuiteOutput(suite);
		if (suite.casesBelow == 0 && !suite.countsUsedBelow && suite.hasCounts) {
			attrTests += suite.tests;
			attrFailures += suite.failures;
			attrErrors += suite.errors;
			attrSkipped += suite.skipped;
			// the total becomes an int; many suites can each claim up to Integer.MAX_VALUE
			if (attrTests > Integer.MAX_VALUE) {
				throw reportErrors.at("suite counts are implausibly large");
			}
			suite.countsUsedBelow = true;
		}
		if (suite.parent != null) {
			suite.parent.casesBelow += suite.casesBelow;
			suite.parent.countsUsedBelow |= suite.countsUsedBelow;
		}
	}

	/** Bazel writes the test log at suite level; a case with no output of its own gets it. */
	private void giveSuiteOutput(OpenSuite suite) {
		String out = BoundedText.valueOf(suite.out);
		String err = BoundedText.valueOf(suite.err);
		if (out == null && err == null) {
			return;
		}
		for (int index : suite.directCases) {
			TestCase c = cases.get(index);
			if ((c.systemOut() == null && out != null) || (c.systemErr() == null && err != null)) {
				cases.set(index, c.withOutput(c.systemOut() != null ? c.systemOut() : out,
						c.systemErr() != null ? c.systemErr() : err));
			}
		}
	}

	TestReport report() {
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
		return new TestReport((int) (attrTests + cases.size()), (int) failures, (int) errors, (int) skipped, cases);
	}
}
