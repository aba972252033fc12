package org.snplab.queue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which of a host's cache scopes a run's jobs save into, as GitHub scopes actions/cache: pushes to protected branches
 * (and scheduled runs, which build a protected branch's head) share the repository's {@value #PROTECTED} scope;
 * a pull request gets its own {@code pr-<number>}, any other ref its own {@code ref-<name>}. Every job also reads
 * the protected scope, but writes only its own, so a fork's pull request can't poison what {@code main} restores.
 */
final class CacheScopes {

	/** The scope of protected branches, which every job falls back to when reading. */
	static final String PROTECTED = "protected";

	private static final Pattern PULL = Pattern.compile("refs/pull/(\\d+)/head");

	private CacheScopes() {
	}

	static String of(RunService.Origin origin) {
		if ("protected-push".equals(origin.priorityClass()) || "schedule".equals(origin.trigger())) {
			return PROTECTED;
		}
		Matcher pull = PULL.matcher(origin.ref() == null ? "" : origin.ref());
		if (pull.matches()) {
			return "pr-" + pull.group(1);
		}
		String ref = origin.ref() == null || origin.ref().isBlank() ? "none" : origin.ref();
		return "ref-" + ref.replaceFirst("^refs/(heads/)?", "").replaceAll("[^A-Za-z0-9._-]", "_");
	}
}
