package org.snplab.repositories;

import java.util.List;

import org.snplab.git.CloneUrls;

/**
 * A repository as anyone allowed to read sees it: no secret or token, only whether one is set and whether this
 * server can decrypt it, and the clone URL without its credentials ({@code https://***@github.com/...}).
 *
 * @param source {@code config} (application.yml) or {@code database} (added or overridden at run time)
 * @param configured whether application.yml names it too: removing the database entry then only undoes the override
 * @param webhookSecretUnreadable whether the stored webhook secret can't be decrypted with this server's secrets key
 * (then its webhooks are refused until an admin enters the secret again or the key is restored)
 * @param tokenUnreadable the same for the token (then no commit status is sent)
 */
public record RepositoryView(String name, String cloneUrl, List<String> protectedBranches, List<String> trustedUsers,
		String approveLabel, boolean reapproveOnPush, String source, boolean configured, boolean webhookSecretSet,
		boolean webhookSecretUnreadable, boolean tokenSet, boolean tokenUnreadable) {

	static RepositoryView of(Repositories.Entry entry) {
		Repository r = entry.repository();
		return new RepositoryView(r.name(), CloneUrls.redact(r.cloneUrl()), r.protectedBranches(), r.trustedUsers(), r.approveLabel(),
				r.reapproveOnPush(), entry.source().json(), entry.configured(), entry.hasWebhookSecret(),
				entry.webhookSecretUnreadable(), entry.hasToken(), entry.tokenUnreadable());
	}
}
