package org.snplab.git;

import java.util.regex.Pattern;

/**
 * Clone URLs as people may see them. A clone URL can carry a credential ({@code https://ci-bot:ghp_...@github.com/o/r.git},
 * or a token alone as its user); agents and the server's git fetch with it, but pages, the API, the log and error
 * messages show {@code https://***@github.com/o/r.git}. An ssh user ({@code ssh://git@...}, {@code git@host:path}) is
 * not a secret and stays; an ssh password doesn't.
 */
public final class CloneUrls {

	public static final String MASK = "***";

	/** http(s)/git/ftp: the whole user info may be the token. */
	private static final Pattern USER_INFO = Pattern.compile("(?i)\\b((?:https?|git|ftps?)://)[^/@\\s]+@");

	/** ssh: only a password after the user. */
	private static final Pattern SSH_PASSWORD = Pattern.compile("(?i)\\b(ssh://[^/:@\\s]+):[^/@\\s]+@");

	private CloneUrls() {
	}

	/** That URL, or any text quoting URLs (an error message), with the credentials of each replaced by {@link #MASK}. */
	public static String redact(String text) {
		if (text == null || text.indexOf('@') < 0) {
			return text;
		}
		String redacted = USER_INFO.matcher(text).replaceAll("$1" + MASK + "@");
		return SSH_PASSWORD.matcher(redacted).replaceAll("$1:" + MASK + "@");
	}

	/**
	 * That URL without what {@link #redact} hides: {@code https://github.com/o/r.git} for
	 * {@code https://ci-bot:ghp_...@github.com/o/r.git}, {@code ssh://git@host/r} for {@code ssh://git:pw@host/r}.
	 */
	public static String withoutCredentials(String url) {
		if (url == null || url.indexOf('@') < 0) {
			return url;
		}
		String stripped = USER_INFO.matcher(url).replaceAll("$1");
		return SSH_PASSWORD.matcher(stripped).replaceAll("$1@");
	}

	/** Whether the URL carries something {@link #redact} hides. */
	public static boolean hasCredentials(String url) {
		return url != null && !url.equals(redact(url));
	}
}
