package org.snplab.hosts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The secrets agents present: host credentials and the registration token.
 * <p>
 * They are random 256-bit tokens, so a SHA-256 of them is a safe lookup key (no need for a slow password hash): the
 * server can check thousands of agent calls a second.
 */
final class HostCredentials {

	private static final SecureRandom RANDOM = new SecureRandom();

	private HostCredentials() {
	}

	/** A random 256-bit secret, URL-safe: host credentials and the generated registration token. */
	static String newCredential() {
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	static String sha256(String text) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest((text == null ? "" : text).getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The token of an {@code Authorization: Bearer <token>} header, or null. */
	static String bearerToken(String authorizationHeader) {
		return authorizationHeader != null && authorizationHeader.startsWith("Bearer ")
				? authorizationHeader.substring(7).trim() : null;
	}
}
