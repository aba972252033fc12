package org.snplab.endtoend;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.support.AgentProcess;
import org.snplab.support.Eventually;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import org.snplab.support.TestRepositories;
import tools.jackson.databind.JsonNode;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default health check run by a real agent on this machine, which has no /dev/sev: the check fails, the host
 * is bad with the reason and a link to the check's log, and the job queued meanwhile waits.
 * {@link HealthCheckPassesEndToEndIntegrationTests} is the other half.
 */
@TestPropertySource(properties = { "snplab.health.enabled=true", "snplab.health.check-new-hosts=true" })
class HealthCheckEndToEndIntegrationTests extends ServerIntegrationTest {

	@TempDir
	Path temp;

	@Test
	void theDefaultCheckFailsOnAHostWithoutDevSevAndTheHostIsBad() throws Exception {
		TestRepositories repo = TestRepositories.init(temp.resolve("repo"));
		repo.commit("pipeline", Map.of(".snplab.yml", "jobs:\n  build:\n    steps: [ \"true\" ]\n"));
		try (AgentProcess agent = AgentProcess.start(baseUrl(), REGISTRATION_TOKEN, temp.resolve("agent"), "milan-1")) {
			long hostId = Eventually.await(Duration.ofSeconds(30), "the agent to register",
					() -> anonymous().get("/api/hosts").json(), hosts -> hosts.size() == 1).get(0).get("id").asLong();
			long run = admin().post("/api/runs", Map.of("repository", repo.url(), "ref", "main")).json().get("id").asLong();

			JsonNode health = Eventually.await(Duration.ofSeconds(60), "the host's first check to fail",
					() -> anonymous().get("/api/hosts/" + hostId).json().get("health"),
					h -> h.get("state").asString().equals("bad"));

			long check = health.get("job").asLong();
			assertThat(health.get("reason").asString()).startsWith("health check failed: ").endsWith("(job " + check + ")");
			assertThat(anonymous().get("/api/jobs/" + check).json().get("name").asString()).isEqualTo("health-check");
			assertThat(anonymous().get("/hosts/" + hostId).body()).contains("health check failed", "/jobs/" + check);
			assertThat(anonymous().get("/jobs/" + check).body()).as("its log says what failed").contains("/dev/sev");
			assertThat(anonymous().get("/api/runs/" + run).json().get("jobs").get(0).get("state").asString())
				.as("a bad host takes no job").isEqualTo("queued");
		}
	}

	private HttpApi admin() {
		return HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD);
	}

	private HttpApi anonymous() {
		return HttpApi.anonymous(baseUrl());
	}
}
