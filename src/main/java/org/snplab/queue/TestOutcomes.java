package org.snplab.queue;

/**
 * What an attempt's test reports say, for judging its result: a job whose steps passed but whose JUnit reports list
 * failed tests has failed. Implemented by the module that keeps the reports.
 */
public interface TestOutcomes {

	/** Failed and errored test cases in the reports the attempt uploaded (0 without reports). */
	int failedTests(long jobId, int attempt);
}
