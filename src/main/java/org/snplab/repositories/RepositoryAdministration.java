package org.snplab.repositories;

import java.util.List;
import java.util.Optional;

import org.snplab.ConflictException;
import org.snplab.NotFoundException;
import org.snplab.git.CloneUrls;

import org.springframework.stereotype.Service;

/**
 * Admins adding, changing and removing the repositories snplab serves while it runs: the one way in for the JSON API
 * ({@code /api/repositories}) and the dashboard ({@code /repositories}), so both follow {@link RepositoryRules}.
 * Views never carry a secret or token, only whether one is set and whether it can be decrypted; saving a new one
 * replaces one that can't.
 */
@Service
public class RepositoryAdministration {

	private final Repositories repositories;

	RepositoryAdministration(Repositories repositories) {
		this.repositories = repositories;
	}

	/** Every repository served: the configured ones in their order, then added ones by name. */
	public List<RepositoryView> all() {
		return repositories.entries().stream().map(RepositoryView::of).toList();
	}

	/** @throws InvalidInputException for a name that isn't owner/name; NotFoundException when no repository has it */
	public RepositoryView get(String fullName) {
		String name = RepositoryRules.fullName(fullName);
		return repositories.entry(name).map(RepositoryView::of)
			.orElseThrow(() -> new NotFoundException("no repository " + name));
	}

	/**
	 * Adds a repository snplab doesn't serve yet; see {@link #save}.
	 *
	 * @throws InvalidRepositoryException also when a repository of that name is served already
	 */
	public RepositoryView add(String fullName, RepositoryChange change) {
		String name = RepositoryRules.fullName(fullName);
		if (repositories.entry(name).isPresent()) {
			throw new InvalidRepositoryException("name", name + " is served already: edit it instead");
		}
		return save(name, change);
	}

	/**
	 * Adds the repository or replaces its database entry, which overrides application.yml's entry of that name.
	 * Omitted fields take their defaults: the clone URL application.yml's, else GitHub's; an omitted webhook secret or
	 * token keeps the stored one, else application.yml's.
	 *
	 * @throws InvalidRepositoryException naming the field that breaks a rule; nothing is saved then
	 */
	public RepositoryView save(String fullName, RepositoryChange change) {
		String name = RepositoryRules.fullName(fullName);
		Optional<Repositories.Entry> current = repositories.entry(name);
		RepositoryRules.Accepted accepted = RepositoryRules.accept(name, keepingCredentials(change, current),
				current.map(Repositories.Entry::hasWebhookSecret).orElse(false));
		repositories.save(accepted.repository(), accepted.cloneUrl());
		return repositories.entry(name).map(RepositoryView::of)
			.orElseThrow(() -> new IllegalStateException("saved repository " + name + " not found"));
	}

	/**
	 * Views show the clone URL with its credentials masked, and the edit form sends back what it showed: that masked
	 * URL means "unchanged", not a URL with {@code ***} for a password.
	 */
	private static RepositoryChange keepingCredentials(RepositoryChange change, Optional<Repositories.Entry> current) {
		String served = current.map(entry -> entry.repository().cloneUrl()).orElse(null);
		if (change.cloneUrl() == null || served == null || !CloneUrls.hasCredentials(served)
				|| !change.cloneUrl().strip().equals(CloneUrls.redact(served))) {
			return change;
		}
		return new RepositoryChange(change.name(), served, change.webhookSecret(), change.token(),
				change.protectedBranches(), change.trustedUsers(), change.approveLabel(), change.reapproveOnPush());
	}

	/**
	 * Deletes the database entry of that repository: one added at run time is no longer served, an overridden one is
	 * served as application.yml says again.
	 *
	 * @return what is served under that name now: application.yml's entry, or nothing
	 * @throws ConflictException for a repository only application.yml names; NotFoundException for an unknown one
	 */
	public Optional<RepositoryView> remove(String fullName) {
		String name = RepositoryRules.fullName(fullName);
		if (!repositories.delete(name)) {
			if (repositories.configured(name).isPresent()) {
				throw new ConflictException(name + " is configured in application.yml: remove it there; only "
						+ "repositories added or overridden at run time (API or dashboard) can be deleted here");
			}
			throw new NotFoundException("no repository " + name);
		}
		return repositories.entry(name).map(RepositoryView::of);
	}
}
