package org.snplab.queue;

import java.util.List;
import java.util.Map;

import org.snplab.pipeline.CacheSpec;
import org.snplab.pipeline.JobSpec;

/**
 * The part of a pipeline job kept as JSON in {@code job.spec}: what the agent needs to run it, and how its result is
 * judged ({@code failOnTestFailure}: null in rows from before it existed, meaning true), whether a failure holds
 * its host ({@code holdOnFailureSeconds}, null: no). {@code cacheScope} is where its caches are saved
 * ({@link CacheScopes}), fixed when the run is queued so a retry keeps it. For a role of a multi-host job,
 * {@code roles} are all of its roles in file order and {@code same} the facts their hosts share; null otherwise.
 */
record JobSpecJson(List<String> steps, Map<String, String> env, long timeoutSeconds, List<String> artifacts,
		List<String> junit, String requires, Boolean failOnTestFailure, String submodules, List<CacheSpec> caches,
		String cacheScope, Long holdOnFailureSeconds, List<String> roles, List<String> same) {

	JobSpecJson {
		caches = caches == null ? List.of() : caches;
	}

	static JobSpecJson of(JobSpec job, String cacheScope) {
		return new JobSpecJson(job.steps(), job.env(), job.timeout().toSeconds(), job.artifacts(), job.junit(),
				job.requires().describe(), job.failOnTestFailure(), job.submodules(), job.caches(), cacheScope,
				job.holdOnFailure() == null ? null : job.holdOnFailure().toSeconds(),
				job.gang() == null ? null : job.gang().roles(), job.gang() == null ? null : job.gang().same());
	}
}
