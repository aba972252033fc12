package org.snplab.queue;

import java.util.List;
import java.util.Map;

import org.snplab.pipeline.JobSpec;

/**
 * The part of a pipeline job kept as JSON in {@code job.spec}: what the agent needs to run it, and how its result is
 * judged ({@code failOnTestFailure}: null in rows from before it existed, meaning true).
 */
record JobSpecJson(List<String> steps, Map<String, String> env, long timeoutSeconds, List<String> artifacts,
		List<String> junit, String requires, Boolean failOnTestFailure, String submodules) {

	static JobSpecJson of(JobSpec job) {
		return new JobSpecJson(job.steps(), job.env(), job.timeout().toSeconds(), job.artifacts(), job.junit(),
				job.requires().describe(), job.failOnTestFailure(), job.submodules());
	}
}
