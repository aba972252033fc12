package org.snplab.pipeline;

import java.util.List;
import java.util.Objects;

/**
 * One entry of a job's {@code cache:}: workspace paths kept on the host under a key, restored before the steps of a
 * later job whose key is the same (as GitHub's actions/cache).
 *
 * @param key the key as written; the agent expands {@code ${VAR}} from the job's environment and
 *        {@code hashFiles('glob')} from the checkout
 * @param paths files or directories relative to the checkout
 */
public record CacheSpec(String key, List<String> paths) {

	public CacheSpec {
		Objects.requireNonNull(key, "key");
		paths = List.copyOf(paths);
	}
}
