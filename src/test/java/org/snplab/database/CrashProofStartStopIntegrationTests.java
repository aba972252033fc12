package org.snplab.database;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.support.Eventually;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server as an admin runs it on a fresh machine: as root (so it re-runs itself in a user namespace, as
 * PostgreSQL refuses root) with the embedded PostgreSQL. A {@code kill -9} of the process the admin started leaves
 * nothing serving and the next start comes up; a SIGTERM exits quickly and cleanly.
 */
class CrashProofStartStopIntegrationTests {

	@TempDir
	Path dataDir;

	private final Map<String, String> environment = Map.of("SNPLAB_ADMIN_PASSWORD", "secret");

	@Test
	void killingTheStartedProcessLeavesNothingServingAndTheNextStartComesUp() throws Exception {
		Path log = dataDir.resolve("server.log");
		int port = ServerProcess.freePort();
		ServerProcess first = ServerProcess.start(log, port, properties(), environment);
		try (first) {
			register(first, "before-the-crash");
			assertThat(Files.readString(log)).as("as root, the serving server is a child in a user namespace")
				.containsPattern("Starting SnplabApplication using Java \\S+ with PID (?!" + first.pid() + "\\b)\\d+");
			first.killStartedProcess();
			Eventually.await(Duration.ofSeconds(30), "nothing answering on the port", first::answers, answers -> !answers);
		}
		assertThat(Files.readString(log)).contains("the process that started this server (pid " + first.pid() + ") is gone");

		try (ServerProcess second = ServerProcess.start(log, port, properties(), environment)) {
			assertThat(register(second, "after-the-crash")).as("the data written before the crash is there").isEqualTo(2L);
		}
	}

	@Test
	void sigtermStopsWithinTenSecondsWithoutAnErrorOrAWarningWithAStackTrace() throws Exception {
		Path log = dataDir.resolve("server.log");
		try (ServerProcess server = ServerProcess.start(log, properties(), environment)) {
			register(server, "host-1");
			long logBefore = Files.size(log);

			int exit = server.terminate(Duration.ofSeconds(10));

			String shutdown = Files.readString(log).substring((int) logBefore);
			List<String> errors = shutdown.lines().filter(line -> line.contains(" ERROR ")).toList();
			List<String> warnings = shutdown.lines().filter(line -> line.contains(" WARN ")).toList();
			List<String> traces = shutdown.lines().filter(line -> line.startsWith("\tat ")).toList();
			assertThat(errors).as(shutdown).isEmpty();
			assertThat(traces).as(shutdown).isEmpty();
			assertThat(warnings).as(shutdown).isEmpty();
			assertThat(exit).as("SIGTERM's exit code").isIn(0, 143);
			assertThat(server.answers()).isFalse();
		}
	}

	private Map<String, String> properties() {
		return Map.of("snplab.data-dir", dataDir.toString(), "snplab.agent.registration-token", "token",
				"spring.datasource.url", "");
	}

	private static long register(ServerProcess server, String name) {
		HttpApi.Response registered = HttpApi.bearer(server.baseUrl(), "token")
			.post("/api/agent/register", Map.of("name", name, "slots", 1));
		assertThat(registered.status()).isEqualTo(200);
		return registered.json().get("hostId").asLong();
	}
}
