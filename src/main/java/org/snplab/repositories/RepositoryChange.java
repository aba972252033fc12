package org.snplab.repositories;

import java.util.List;

/**
 * What an admin sets on a repository: the body of {@code PUT /api/repositories/{owner}/{name}}, and what the
 * dashboard's form sends. A null field takes its default; a null {@code webhookSecret} or {@code token} keeps the
 * current one.
 *
 * @param name optional; the path (or the form) names the repository
 */
public record RepositoryChange(String name, String cloneUrl, String webhookSecret, String token,
		List<String> protectedBranches, List<String> trustedUsers, String approveLabel, Boolean reapproveOnPush) {
}
