package org.snplab.repositories;

import java.util.List;
import java.util.Locale;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * One repository snplab serves, as an entry of {@code snplab.repositories} in application.yml or a row an admin
 * wrote ({@link RepositoryAdministration}); {@link Repositories} serves the two overlaid.
 *
 * @param name {@code owner/name} as on GitHub
 * @param cloneUrl where snplab and agents fetch from; default {@code https://github.com/<name>.git}
 * @param webhookSecret the secret set on the repository's webhook
 * @param token for commit statuses and listing branches and pull requests
 * @param protectedBranches where a new push never cancels older runs; default {@code main}
 * @param trustedUsers logins trusted beyond GitHub's OWNER/MEMBER/COLLABORATOR
 * @param approveLabel a label that approves a held pull request like {@code /ok-to-test}
 * @param reapproveOnPush whether a new push to an approved untrusted pull request needs approval again
 */
public record Repository(String name, String cloneUrl, String webhookSecret, String token, List<String> protectedBranches,
		List<String> trustedUsers, @DefaultValue("ok-to-test") String approveLabel,
		@DefaultValue("true") boolean reapproveOnPush) {

	public Repository {
		if (!RepositoryRules.isFullName(name)) {
			throw new IllegalArgumentException("snplab.repositories[].name must be owner/name, not '" + name + "'");
		}
		cloneUrl = cloneUrl == null || cloneUrl.isBlank() ? "https://github.com/" + name + ".git" : cloneUrl;
		protectedBranches = protectedBranches == null || protectedBranches.isEmpty() ? List.of("main")
				: List.copyOf(protectedBranches);
		trustedUsers = trustedUsers == null ? List.of() : List.copyOf(trustedUsers);
	}

	public boolean isProtected(String branch) {
		return protectedBranches.contains(branch);
	}

	/** Prow's rule: members of the project, or people it listed by name. */
	public boolean trusts(String login, String authorAssociation) {
		String association = authorAssociation == null ? "" : authorAssociation.toUpperCase(Locale.ROOT);
		return List.of("OWNER", "MEMBER", "COLLABORATOR").contains(association)
				|| (login != null && trustedUsers.stream().anyMatch(login::equalsIgnoreCase));
	}
}
