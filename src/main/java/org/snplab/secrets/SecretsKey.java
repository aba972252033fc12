package org.snplab.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key {@link SecretEncryptor} encrypts with: 32 random bytes in base64 ({@code openssl rand -base64 32}), from
 * {@code snplab.secrets-key} ({@code SNPLAB_SECRETS_KEY}), else from {@code <data-dir>/secrets.key}, which the first
 * start generates (owner-only, 0600) and later starts read. The file holds the same text the property takes, so
 * other server instances on the same database get the same key by setting SNPLAB_SECRETS_KEY to its content.
 */
final class SecretsKey {

	static final String FILE_NAME = "secrets.key";

	private static final Logger log = LoggerFactory.getLogger(SecretsKey.class);

	private static final int BYTES = 32;

	private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

	private static final String SHARE = "several server instances on one database must share one key: set "
			+ "SNPLAB_SECRETS_KEY to the same key on each";

	private SecretsKey() {
	}

	/** @param configured {@code snplab.secrets-key}: null or blank to use (or generate) the file in {@code dataDir} */
	static SecretKey load(String configured, Path dataDir) {
		if (configured != null && !configured.isBlank()) {
			log.info("Secrets key from snplab.secrets-key ({})", SHARE);
			return parse(configured, "snplab.secrets-key (SNPLAB_SECRETS_KEY)");
		}
		Path file = dataDir.toAbsolutePath().normalize().resolve(FILE_NAME);
		try {
			if (!Files.exists(file)) {
				return generate(file);
			}
			if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
				log.warn("{} is not owner-only: chmod 600 it, it decrypts every repository's secret", file);
			}
			log.info("Secrets key in {} ({})", file, SHARE);
			return parse(Files.readString(file), file.toString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("can't read or create the secrets key " + file, ex);
		}
	}

	/** The key that text (base64 of 32 bytes) names; {@code where} says where it came from, never the text itself. */
	static SecretKey parse(String text, String where) {
		byte[] key;
		try {
			key = Base64.getDecoder().decode(text.strip());
		}
		catch (IllegalArgumentException ex) {
			key = new byte[0];
		}
		if (key.length != BYTES) {
			throw new IllegalStateException(where + " holds no valid secrets key: it must be " + BYTES + " random "
					+ "bytes in base64 (e.g. openssl rand -base64 32); restore the key the secrets were saved with, or "
					+ "set a new one and enter the repositories' secrets and tokens again");
		}
		return new SecretKeySpec(key, "AES");
	}

	/** A new random key in base64, the form the property and the file take. */
	static String random() {
		byte[] key = new byte[BYTES];
		new SecureRandom().nextBytes(key);
		return Base64.getEncoder().encodeToString(key);
	}

	private static SecretKey generate(Path file) throws IOException {
		Files.createDirectories(file.getParent());
		String key = random();
		try {
			// Created owner-only, so the key is never readable by others, not even for a moment.
			Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
		}
		catch (FileAlreadyExistsException ex) {
			return parse(Files.readString(file), file.toString());
		}
		Files.write(file, (key + "\n").getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE,
				StandardOpenOption.SYNC);
		log.warn("\n\n    Generated the secrets key in {} (0600): it encrypts the repositories' webhook secrets and tokens "
				+ "in the database; back it up with the database.\n    Several server instances on one database must "
				+ "share one key: set SNPLAB_SECRETS_KEY=\"$(cat {})\" on each.\n", file, file);
		return parse(key, file.toString());
	}
}
