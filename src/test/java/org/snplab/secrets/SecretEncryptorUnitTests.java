package org.snplab.secrets;

import java.util.Base64;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretEncryptorUnitTests {

	static final String SECRET = "webhook-secret-\u00e9\u4e2d";

	final SecretEncryptor encryptor = encryptor();

	@Test
	void encryptsToAVersionedTextThatDecryptsToTheSecret() throws Exception {
		String stored = encryptor.encrypt(SECRET);

		assertThat(stored).startsWith("v1:").doesNotContain("webhook-secret");
		assertThat(Base64.getDecoder().decode(stored.substring(3))).hasSizeGreaterThan(12 + 16);
		assertThat(encryptor.decrypt(stored)).isEqualTo(SECRET);
		assertThat(encryptor.encrypt(SECRET)).as("a fresh IV each time").isNotEqualTo(stored);
		assertThat(encryptor.encrypt(null)).isNull();
	}

	@Test
	void refusesAValueChangedInTheDatabase() {
		String stored = encryptor.encrypt(SECRET);
		// The IV's first byte: unauthenticated encryption (CBC) would decrypt that to a subtly different secret.
		String changedIv = flipped(stored, 0);
		String changedCiphertext = flipped(stored, 14);

		for (String tampered : new String[] { changedIv, changedCiphertext, stored.substring(0, stored.length() - 4),
				stored.substring(0, 12), "v1:not base64!", "v1:" }) {
			assertThatThrownBy(() -> encryptor.decrypt(tampered)).as(tampered)
				.isInstanceOf(SecretEncryptor.UnreadableSecretException.class);
		}
	}

	@Test
	void refusesAValueEncryptedUnderAnotherKey() {
		String stored = encryptor().encrypt(SECRET);

		assertThatThrownBy(() -> encryptor.decrypt(stored)).isInstanceOf(SecretEncryptor.UnreadableSecretException.class)
			.hasMessageContaining("can't be decrypted");
	}

	@Test
	void readsPlainTextFromBeforeEncryptionAsItIsButNeverAnotherVersionAsPlainText() throws Exception {
		assertThat(SecretEncryptor.isEncrypted("plain-secret")).isFalse();
		assertThat(encryptor.decrypt("plain-secret")).isEqualTo("plain-secret");
		assertThat(encryptor.decrypt(null)).isNull();

		String newer = "v2:" + encryptor.encrypt(SECRET).substring(3);
		assertThat(SecretEncryptor.isEncrypted(newer)).isTrue();
		assertThatThrownBy(() -> encryptor.decrypt(newer)).isInstanceOf(SecretEncryptor.UnreadableSecretException.class);
	}

	/** The stored value with one bit of that byte (of IV, ciphertext and tag) flipped. */
	private static String flipped(String stored, int index) {
		byte[] bytes = Base64.getDecoder().decode(stored.substring(3));
		bytes[index] ^= 1;
		return "v1:" + Base64.getEncoder().encodeToString(bytes);
	}

	private static SecretEncryptor encryptor() {
		return new SecretEncryptor(SecretsKey.parse(SecretsKey.random(), "a test key"));
	}
}
