package org.snplab.queue;

import java.util.List;
import java.util.Map;

import org.snplab.pipeline.CacheSpec;

/**
 * A job handed to an agent: everything it needs to run it, and the attempt it must quote back. {@code submodules}
 * is the pipeline's {@code checkout.submodules}; {@code gitRewrites} are the lab's {@code snplab.git.url-rewrites}
 * ({@code FROM=TO}); {@code caches} the pipeline's {@code cache:}, saved into {@code cacheScope} ({@link CacheScopes};
 * null in jobs queued before scopes existed: the agent then saves nothing).
 */
public record ClaimedJob(long jobId, int attempt, long runId, String name, String repository, String commit,
		List<String> steps, Map<String, String> env, long timeoutSeconds, List<String> artifacts, List<String> junit,
		long heartbeatSeconds, String submodules, List<String> gitRewrites, List<CacheSpec> caches, String cacheScope) {
}
