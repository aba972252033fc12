package org.snplab.github;

import java.util.List;

/**
 * A repository as anyone allowed to read sees it: no secret or token, only whether one is set.
 *
 * @param source {@code config} (application.yml) or {@code database} (added or overridden at run time)
 * @param configured whether application.yml names it too: removing the database entry then only undoes the override
 */
public record RepositoryView(String name, String cloneUrl, List<String> protectedBranches, List<String> trustedUsers,
		String approveLabel, boolean reapproveOnPush, String source, boolean configured, boolean webhookSecretSet,
		boolean tokenSet) {

	static RepositoryView of(Repositories.Entry entry) {
		GithubProperties.Repository r = entry.repository();
		return new RepositoryView(r.name(), r.cloneUrl(), r.protectedBranches(), r.trustedUsers(), r.approveLabel(),
				r.reapproveOnPush(), entry.source().json(), entry.configured(), isSet(r.webhookSecret()),
				isSet(r.token()));
	}

	private static boolean isSet(String secret) {
		return secret != null && !secret.isEmpty();
	}
}
