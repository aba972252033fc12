package org.snplab.repositories;

import java.util.List;
import java.util.Optional;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code snplab.repositories}: the repositories application.yml says snplab serves. Read at startup only; admins add
 * or override repositories at runtime ({@link RepositoryAdministration}: the API and the dashboard), stored in the
 * database: code that serves repositories asks {@link Repositories}, which overlays those rows on these.
 */
@ConfigurationProperties("snplab")
record RepositoriesProperties(List<Repository> repositories) {

	RepositoriesProperties {
		repositories = repositories == null ? List.of() : List.copyOf(repositories);
	}

	/** The repository of that full name ({@code owner/name}) in application.yml only; GitHub names are case-insensitive. */
	Optional<Repository> repository(String fullName) {
		return repositories.stream().filter(r -> r.name().equalsIgnoreCase(fullName == null ? "" : fullName)).findFirst();
	}
}
