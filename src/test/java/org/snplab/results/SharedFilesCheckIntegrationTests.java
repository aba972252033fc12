package org.snplab.results;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.SnplabProperties;
import org.snplab.support.ServerIntegrationTest;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A second server instance on the database must keep uploaded files in the same directory as the first. */
class SharedFilesCheckIntegrationTests extends ServerIntegrationTest {

	@Autowired
	SnplabProperties properties;

	@TempDir
	Path elsewhere;

	@Test
	void anInstanceWithItsOwnEmptyDirectoryRefusesToStartAndSaysWhy() {
		assertThat(properties.artifactsDir().resolve(SharedFilesCheck.MARKER)).as("written by the running server").exists();

		assertThatThrownBy(() -> checkWith(elsewhere)).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("snplab.artifacts.dir " + elsewhere)
			.hasMessageContaining("is not the directory the other server instances on this database keep uploaded files in")
			.hasMessageContaining("has no " + SharedFilesCheck.MARKER)
			.hasMessageContaining("one shared directory");
		assertThat(elsewhere.resolve(SharedFilesCheck.MARKER)).as("nothing claimed").doesNotExist();
	}

	@Test
	void theSharedDirectoryOrACopyMovedWithItsIdPasses() throws Exception {
		checkWith(properties.artifactsDir());
		Files.copy(properties.artifactsDir().resolve(SharedFilesCheck.MARKER), elsewhere.resolve(SharedFilesCheck.MARKER));

		checkWith(elsewhere);

		Files.writeString(elsewhere.resolve(SharedFilesCheck.MARKER), "another-lab\n");
		assertThatThrownBy(() -> checkWith(elsewhere)).hasMessageContaining("holds " + SharedFilesCheck.MARKER + " another-lab");
	}

	private void checkWith(Path directory) {
		SnplabProperties other = new SnplabProperties(properties.dataDir(), properties.baseUrl(), properties.secretsKey(),
				properties.agent(), properties.queue(), properties.logs(),
				new SnplabProperties.Artifacts(1024, 4096, directory));
		new SharedFilesCheck(db, other).check();
	}
}
