package org.snplab.secrets;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

import javax.crypto.SecretKey;

import org.snplab.SnplabProperties;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.crypto.encrypt.AesBytesEncryptor;
import org.springframework.security.crypto.encrypt.BytesEncryptor;
import org.springframework.security.crypto.keygen.KeyGenerators;
import org.springframework.stereotype.Component;

/**
 * Encrypts the secrets snplab keeps in the database (repositories' webhook secrets, tokens and clone-URL credentials, runs' clone-URL credentials, hosts' BMC passwords), so a dump or a backup
 * of it gives none away: AES-256-GCM from Spring Security Crypto under the {@link SecretsKey}, a random IV each time
 * and a tag that refuses a value changed or encrypted under another key. Stored as {@code v1:} and the base64 of IV,
 * ciphertext and tag; the version names the format, so a later one can be told apart. Public: other modules keep
 * their secrets (e.g. {@code power}'s BMC passwords) under the same key.
 */
@Component
public class SecretEncryptor {

	static final String VERSION = "v1:";

	/** Any version, also one a newer snplab wrote: such a value is unreadable here, never taken for plain text. */
	private static final Pattern ENCRYPTED = Pattern.compile("^v[0-9]+:");

	/** GCM's standard 96-bit IV; part of the v1 format, so fixed here rather than left to the library's default. */
	private static final int IV_BYTES = 12;

	private final BytesEncryptor aes;

	@Autowired
	public SecretEncryptor(SnplabProperties properties) {
		this(SecretsKey.load(properties.secretsKey(), properties.dataDir()));
	}

	SecretEncryptor(SecretKey key) {
		this.aes = new AesBytesEncryptor(key, KeyGenerators.secureRandom(IV_BYTES), AesBytesEncryptor.CipherAlgorithm.GCM);
	}

	/** An encryptor under a key of its own, freshly generated: what a server with another key (or a lost one) wrote. */
	public static SecretEncryptor withNewKey() {
		return new SecretEncryptor(SecretsKey.parse(SecretsKey.random(), "a new key"));
	}

	/** @return the stored form of that secret; null for null */
	public String encrypt(String secret) {
		if (secret == null) {
			return null;
		}
		return VERSION + Base64.getEncoder().encodeToString(aes.encrypt(secret.getBytes(StandardCharsets.UTF_8)));
	}

	/**
	 * The secret a stored value holds. A value without a version is plain text from before snplab encrypted secrets
	 * ({@link PlainSecretsMigration} encrypts those at start): it is the secret.
	 *
	 * @throws UnreadableSecretException when it was encrypted under another key, changed, or written in a format this
	 * version doesn't know
	 */
	public String decrypt(String stored) throws UnreadableSecretException {
		if (!isEncrypted(stored)) {
			return stored;
		}
		if (!stored.startsWith(VERSION)) {
			throw new UnreadableSecretException();
		}
		try {
			byte[] secret = aes.decrypt(Base64.getDecoder().decode(stored.substring(VERSION.length())));
			return new String(secret, StandardCharsets.UTF_8);
		}
		catch (RuntimeException ex) {
			// A wrong key or a changed byte fails GCM's tag check (IllegalStateException); bad base64 or a cut value fail
			// before it. All say the same: this key can't give the secret back.
			throw new UnreadableSecretException();
		}
	}

	/** Whether a stored value is encrypted (in any version) rather than plain text from before encryption. */
	public static boolean isEncrypted(String stored) {
		return stored != null && ENCRYPTED.matcher(stored).find();
	}

	/** A stored secret this key can't decrypt: the key changed or was lost, or the value was changed in the database. */
	public static class UnreadableSecretException extends Exception {

		UnreadableSecretException() {
			super("can't be decrypted with this server's secrets key", null, false, false);
		}
	}
}
