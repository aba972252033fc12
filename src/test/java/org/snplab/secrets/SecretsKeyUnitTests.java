package org.snplab.secrets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import javax.crypto.SecretKey;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretsKeyUnitTests {

	@TempDir
	Path dataDir;

	@Test
	void theFirstStartGeneratesAnOwnerOnlyKeyFileThatLaterStartsReuse() throws Exception {
		Path file = dataDir.resolve("not-yet-created").resolve("secrets.key");

		SecretKey first = SecretsKey.load(null, file.getParent());

		assertThat(file).exists();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		assertThat(first.getEncoded()).hasSize(32);
		assertThat(SecretsKey.load(" ", file.getParent()).getEncoded()).isEqualTo(first.getEncoded());
		assertThat(SecretsKey.parse(Files.readString(file), "the file").getEncoded()).isEqualTo(first.getEncoded());
		String stored = new SecretEncryptor(first).encrypt("secret");
		assertThat(new SecretEncryptor(SecretsKey.load(null, file.getParent())).decrypt(stored)).isEqualTo("secret");
	}

	@Test
	void aConfiguredKeyWinsAndNoFileIsWritten() {
		String configured = SecretsKey.random();

		SecretKey key = SecretsKey.load(configured, dataDir);

		assertThat(key.getEncoded()).isEqualTo(java.util.Base64.getDecoder().decode(configured));
		assertThat(dataDir.resolve("secrets.key")).doesNotExist();
	}

	@Test
	void aKeyThatIsNot32BytesOfBase64IsRefusedWithoutEchoingIt() throws Exception {
		for (String bad : new String[] { "my-passphrase-is-long-enough", "c2hvcnQ=" }) {
			assertThatThrownBy(() -> SecretsKey.load(bad, dataDir)).as(bad)
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("snplab.secrets-key (SNPLAB_SECRETS_KEY) holds no valid secrets key")
				.hasMessageContaining("openssl rand -base64 32")
				.hasMessageNotContaining(bad);
		}
		Files.writeString(dataDir.resolve("secrets.key"), "");
		assertThatThrownBy(() -> SecretsKey.load(null, dataDir)).hasMessageContaining("secrets.key holds no valid");
	}
}
