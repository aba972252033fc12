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
 * A lab's own health check ({@code snplab.health.steps: ["true"]}) run by a real agent: it passes, the new host is
 * good and then runs the job that waited for it.
 */
@TestPropertySource(properties = { "snplab.health.enabled=true", "snplab.health.check-new-hosts=true",
		"snplab.health.steps=true" })
class HealthCheckPassesEndToEndIntegrationTests extends ServerIntegrationTest {

	@TempDir
	Path temp;

	@Test
	void aPassingCheckMakesTheNewHostGoodAndItTakesANormalJob() throws Exception {
		TestRepositories repo = TestRepositories.init(temp.resolve("repo"));
		repo.commit("pipeline", Map.of(".snplab.yml", "jobs:\n  build:\n    steps: [ \"true\" ]\n"));
		try (AgentProcess agent = AgentProcess.start(baseUrl(), REGISTRATION_TOKEN, temp.resolve("agent"), "milan-1")) {
			long hostId = Eventually.await(Duration.ofSeconds(30), "the agent to register",
					() -> anonymous().get("/api/hosts").json(), hosts -> hosts.size() == 1).get(0).get("id").asLong();
			long run = admin().post("/api/runs", Map.of("repository", repo.url(), "ref", "main")).json().get("id").asLong();

			JsonNode build = Eventually.await(Duration.ofSeconds(60), "the job to pass after the check",
					() -> anonymous().get("/api/runs/" + run).json().get("jobs").get(0),
					job -> job.get("state").asString().equals("passed"));

			JsonNode health = anonymous().get("/api/hosts/" + hostId).json().get("health");
			assertThat(health.get("state").asString()).isEqualTo("good");
			long check = health.get("job").asLong();
			assertThat(check).as("the check ran first").isLessThan(build.get("id").asLong());
			assertThat(anonymous().get("/api/jobs/" + check).json().get("state").asString()).isEqualTo("passed");
		}
	}

	private HttpApi admin() {
		return HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD);
	}

	private HttpApi anonymous() {
		return HttpApi.anonymous(baseUrl());
	}
}
