package org.snplab.github;

import java.util.ArrayList;
import java.util.List;

import org.snplab.RequestException;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/repositories}: the GitHub repositories snplab serves, and (admins only, see
 * {@code SecurityConfiguration}) adding or overriding one in the database, or removing that row again. Secrets are
 * written, never read back: views only say whether one is set.
 */
@RestController
class RepositoryController {

	private static final String NAME_PART = "[A-Za-z0-9_.-]+";

	private final Repositories repositories;

	RepositoryController(Repositories repositories) {
		this.repositories = repositories;
	}

	@GetMapping("/api/repositories")
	List<RepositoryView> list() {
		return repositories.entries().stream().map(RepositoryView::of).toList();
	}

	@GetMapping("/api/repositories/{owner}/{name}")
	RepositoryView get(@PathVariable String owner, @PathVariable String name) {
		String fullName = fullName(owner, name);
		return repositories.entry(fullName).map(RepositoryView::of)
			.orElseThrow(() -> RequestException.notFound("no repository " + fullName));
	}

	/**
	 * Inserts or replaces the database entry of that repository. Omitted fields take their defaults; an omitted
	 * {@code cloneUrl}, {@code webhookSecret} or {@code token} keeps the stored one, else the one in application.yml.
	 */
	@PutMapping("/api/repositories/{owner}/{name}")
	RepositoryView put(@PathVariable String owner, @PathVariable String name,
			@RequestBody(required = false) RepositoryRequest request) {
		String fullName = fullName(owner, name);
		if (request == null) {
			throw RequestException.badRequest("a JSON object with the repository's fields is required");
		}
		if (request.name() != null && !request.name().equalsIgnoreCase(fullName)) {
			throw RequestException.badRequest("name in the body (" + request.name() + ") differs from the path ("
					+ fullName + ")");
		}
		String cloneUrl = optionalText("cloneUrl", request.cloneUrl());
		String webhookSecret = optionalText("webhookSecret", request.webhookSecret());
		String token = optionalText("token", request.token());
		String approveLabel = optionalText("approveLabel", request.approveLabel());
		if (webhookSecret == null && repositories.find(fullName).map(r -> r.webhookSecret() == null).orElse(true)) {
			throw RequestException.badRequest("webhookSecret is required: " + fullName
					+ " has none yet, and webhooks are only accepted when signed with it");
		}
		GithubProperties.Repository repository;
		try {
			repository = new GithubProperties.Repository(fullName, cloneUrl, webhookSecret, token,
					names("protectedBranches", request.protectedBranches()), names("trustedUsers", request.trustedUsers()),
					approveLabel == null ? "ok-to-test" : approveLabel,
					request.reapproveOnPush() == null || request.reapproveOnPush());
		}
		catch (IllegalArgumentException ex) {
			throw RequestException.badRequest(ex.getMessage());
		}
		repositories.save(repository, cloneUrl);
		return repositories.entry(fullName).map(RepositoryView::of)
			.orElseThrow(() -> new IllegalStateException("saved repository " + fullName + " not found"));
	}

	@DeleteMapping("/api/repositories/{owner}/{name}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@PathVariable String owner, @PathVariable String name) {
		String fullName = fullName(owner, name);
		if (repositories.delete(fullName)) {
			return;
		}
		if (repositories.configured(fullName).isPresent()) {
			throw RequestException.conflict(fullName + " is configured in application.yml: remove it there; "
					+ "only repositories added or overridden through this API can be deleted here");
		}
		throw RequestException.notFound("no repository " + fullName);
	}

	private static String fullName(String owner, String name) {
		if (owner == null || name == null || !owner.matches(NAME_PART) || !name.matches(NAME_PART)) {
			throw RequestException.badRequest("a repository is named owner/name with letters, digits, '.', '_' or '-'; got '"
					+ owner + "/" + name + "'");
		}
		return owner + "/" + name;
	}

	private static String optionalText(String field, String value) {
		if (value != null && value.isBlank()) {
			throw RequestException.badRequest(field + " must not be blank (omit it for the default)");
		}
		return value == null ? null : value.strip();
	}

	private static List<String> names(String field, List<String> values) {
		List<String> names = new ArrayList<>();
		for (String value : values == null ? List.<String>of() : values) {
			if (value == null || value.isBlank() || !value.equals(value.strip())) {
				throw RequestException.badRequest(field + " must not contain blank entries or surrounding spaces; got '"
						+ value + "'");
			}
			names.add(value);
		}
		return names;
	}

	/** The body of a PUT; {@code name} is optional (the path names the repository). */
	record RepositoryRequest(String name, String cloneUrl, String webhookSecret, String token,
			List<String> protectedBranches, List<String> trustedUsers, String approveLabel, Boolean reapproveOnPush) {
	}

	/** What anyone allowed to read sees: no secrets, only whether they are set. */
	record RepositoryView(String name, String cloneUrl, List<String> protectedBranches, List<String> trustedUsers,
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
}
