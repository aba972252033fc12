package org.snplab.github;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The GitHub part of {@code snplab.*}: which repositories snplab serves and how it reaches api.github.com. Bound
 * separately from {@code SnplabProperties} so this feature stays in its own package. Read at startup only; admins add
 * or override repositories at runtime ({@link RepositoryAdministration}: the API and the dashboard), stored in the
 * database: code that serves repositories asks {@link Repositories}, which overlays those rows on these.
 */
@ConfigurationProperties("snplab")
record GithubProperties(List<Repository> repositories, @DefaultValue Github github) {

	GithubProperties {
		repositories = repositories == null ? List.of() : List.copyOf(repositories);
	}

	/** The repository of that full name ({@code owner/name}) in application.yml only; GitHub names are case-insensitive. */
	Optional<Repository> repository(String fullName) {
		return repositories.stream().filter(r -> r.name().equalsIgnoreCase(fullName == null ? "" : fullName)).findFirst();
	}

	/**
	 * @param apiUrl GitHub's REST API; a stand-in in tests
	 * @param reconcileInterval how often branches and open pull requests are listed to catch missed webhooks
	 * @param retryInterval how often unprocessed deliveries and unsent commit statuses are looked for
	 * @param webhookMaxBytes the largest webhook body read (GitHub caps its payloads at 25 MB); larger ones get 413
	 */
	record Github(@DefaultValue("https://api.github.com") String apiUrl, @DefaultValue("5m") Duration reconcileInterval,
			@DefaultValue("5s") Duration retryInterval, @DefaultValue("25MB") DataSize webhookMaxBytes) {
	}

	/**
	 * @param name {@code owner/name} as on GitHub
	 * @param cloneUrl where snplab and agents fetch from; default {@code https://github.com/<name>.git}
	 * @param webhookSecret the secret set on the repository's webhook
	 * @param token for commit statuses and listing branches and pull requests
	 * @param protectedBranches where a new push never cancels older runs; default {@code main}
	 * @param trustedUsers logins trusted beyond GitHub's OWNER/MEMBER/COLLABORATOR
	 * @param approveLabel a label that approves a held pull request like {@code /ok-to-test}
	 * @param reapproveOnPush whether a new push to an approved untrusted pull request needs approval again
	 */
	record Repository(String name, String cloneUrl, String webhookSecret, String token, List<String> protectedBranches,
			List<String> trustedUsers, @DefaultValue("ok-to-test") String approveLabel,
			@DefaultValue("true") boolean reapproveOnPush) {

		Repository {
			if (!RepositoryRules.isFullName(name)) {
				throw new IllegalArgumentException("snplab.repositories[].name must be owner/name, not '" + name + "'");
			}
			cloneUrl = cloneUrl == null || cloneUrl.isBlank() ? "https://github.com/" + name + ".git" : cloneUrl;
			protectedBranches = protectedBranches == null || protectedBranches.isEmpty() ? List.of("main")
					: List.copyOf(protectedBranches);
			trustedUsers = trustedUsers == null ? List.of() : List.copyOf(trustedUsers);
		}

		boolean isProtected(String branch) {
			return protectedBranches.contains(branch);
		}

		/** Prow's rule: members of the project, or people it listed by name. */
		boolean trusts(String login, String authorAssociation) {
			String association = authorAssociation == null ? "" : authorAssociation.toUpperCase(Locale.ROOT);
			return List.of("OWNER", "MEMBER", "COLLABORATOR").contains(association)
					|| (login != null && trustedUsers.stream().anyMatch(login::equalsIgnoreCase));
		}
	}
}
