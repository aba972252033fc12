package org.snplab.repositories;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a repository added or changed at run time must satisfy: one set of rules for the JSON API and the dashboard's
 * form. Each refusal names the field, as the API spells it, and what was wrong with it.
 */
final class RepositoryRules {

	private static final Pattern FULL_NAME = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");

	private static final Set<String> URL_SCHEMES = Set.of("https", "http", "ssh", "git", "file");

	/** git's scp-like syntax: {@code git@github.com:owner/name.git}. */
	private static final Pattern SCP_LIKE = Pattern.compile("[A-Za-z0-9_.+-]+@[A-Za-z0-9.-]+:\\S+");

	private RepositoryRules() {
	}

	static boolean isFullName(String name) {
		return name != null && FULL_NAME.matcher(name).matches();
	}

	/** @return the name, when it is {@code owner/name} */
	static String fullName(String name) {
		if (!isFullName(name)) {
			throw new InvalidRepositoryException("name", "a repository is named owner/name with letters, digits, '.', "
					+ "'_' or '-'; got '" + name + "'");
		}
		return name;
	}

	/**
	 * The repository to serve after that change, checked, with omitted fields at their defaults.
	 *
	 * @param hasWebhookSecret whether what is served under that name now has one (readable or not): it stands in for
	 * an omitted one
	 */
	static Accepted accept(String fullName, RepositoryChange change, boolean hasWebhookSecret) {
		String cloneUrl = cloneUrl(optionalText("cloneUrl", change.cloneUrl()));
		String webhookSecret = optionalText("webhookSecret", change.webhookSecret());
		String token = optionalText("token", change.token());
		String approveLabel = optionalText("approveLabel", change.approveLabel());
		if (webhookSecret == null && !hasWebhookSecret) {
			throw new InvalidRepositoryException("webhookSecret", "webhookSecret is required: " + fullName
					+ " has none yet, and webhooks are only accepted when signed with it");
		}
		Repository repository = new Repository(fullName, cloneUrl, webhookSecret,
				token, names("protectedBranches", change.protectedBranches()), names("trustedUsers", change.trustedUsers()),
				approveLabel == null ? "ok-to-test" : approveLabel,
				change.reapproveOnPush() == null || change.reapproveOnPush());
		return new Accepted(repository, cloneUrl);
	}

	private static String optionalText(String field, String value) {
		if (value != null && value.isBlank()) {
			throw new InvalidRepositoryException(field, field + " must not be blank (omit it for the default)");
		}
		return value == null ? null : value.strip();
	}

	/** Anything git fetches from; the URL is rendered as text only, never as a link, so no scheme can run script. */
	private static String cloneUrl(String url) {
		if (url == null || isCloneUrl(url)) {
			return url;
		}
		throw new InvalidRepositoryException("cloneUrl", "cloneUrl must be an https://, http://, ssh://, git:// or file: "
				+ "URL, user@host:path or an absolute path; got '" + url + "'");
	}

	private static boolean isCloneUrl(String url) {
		if (url.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
			return false;
		}
		if (url.startsWith("/") || SCP_LIKE.matcher(url).matches()) {
			return true;
		}
		try {
			URI uri = new URI(url);
			String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
			if (scheme.equals("file")) {
				return uri.getPath() != null && uri.getPath().startsWith("/");
			}
			return URL_SCHEMES.contains(scheme) && uri.getHost() != null;
		}
		catch (URISyntaxException ex) {
			return false;
		}
	}

	private static List<String> names(String field, List<String> values) {
		List<String> names = new ArrayList<>();
		for (String value : values == null ? List.<String>of() : values) {
			if (value == null || value.isBlank() || !value.equals(value.strip())) {
				throw new InvalidRepositoryException(field, field + " must not contain blank entries or surrounding "
						+ "spaces; got '" + value + "'");
			}
			names.add(value);
		}
		return names;
	}

	/**
	 * @param cloneUrl the clone URL to store: as given, or null for the default (application.yml's, else GitHub's)
	 */
	record Accepted(Repository repository, String cloneUrl) {
	}
}
