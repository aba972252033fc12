package org.snplab.database;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default a new user gets: no {@code spring.datasource.url}, so the server runs its own PostgreSQL under the
 * data directory. Its data must survive a restart and a {@code kill -9}.
 */
class EmbeddedDatabaseIntegrationTests {

	@TempDir
	Path dataDir;

	@Test
	void serverWithoutDatasourceUrlKeepsItsDataThroughCrashAndRestart() throws Exception {
		Map<String, String> properties = Map.of("snplab.data-dir", dataDir.toString(),
				"snplab.agent.registration-token", "token", "spring.datasource.url", "");
		Map<String, String> environment = Map.of("SNPLAB_ADMIN_PASSWORD", "secret");
		Path log = dataDir.resolve("server.log");

		try (ServerProcess first = ServerProcess.start(log, properties, environment)) {
			HttpApi.Response registered = HttpApi.bearer(first.baseUrl(), "token")
				.post("/api/agent/register", Map.of("name", "survivor", "slots", 1));
			assertThat(registered.status()).isEqualTo(200);
			first.crash();
		}
		assertThat(dataDir.resolve("postgres/postmaster.pid")).exists();

		try (ServerProcess second = ServerProcess.start(log, properties, environment)) {
			HttpApi.Response heartbeat = HttpApi.bearer(second.baseUrl(), "wrong").post("/api/agent/heartbeat", Map.of());
			assertThat(heartbeat.status()).isEqualTo(401);
			HttpApi.Response again = HttpApi.bearer(second.baseUrl(), "token")
				.post("/api/agent/register", Map.of("name", "survivor", "slots", 1));
			assertThat(again.json().get("hostId").asLong())
				.as("the host row written before the crash is still there")
				.isEqualTo(1L);
		}
		assertThat(Files.readString(log)).contains("Stopping orphaned PostgreSQL");
	}
}
