package org.snplab.endtoend;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.support.AgentProcess;
import org.snplab.support.Eventually;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import org.snplab.support.TestRepositories;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code hold-on-failure} with a real agent: the failed job's host is reserved for whoever started the run, its
 * workspace stays on the host (the page says where) and no job runs there until the hold is released.
 */
class HoldOnFailureEndToEndIntegrationTests extends ServerIntegrationTest {

	@TempDir
	Path temp;

	@Test
	void aFailedHeldJobKeepsItsHostAndWorkspaceForWhoeverStartedTheRun() throws Exception {
		TestRepositories repo = TestRepositories.init(temp.resolve("repo"));
		repo.commit("pipeline", Map.of(".snplab.yml", """
				jobs:
				  guest-hang:
				    hold-on-failure: 30m
				    steps: [ "echo 'guest state at the hang' > evidence.txt && exit 3" ]
				"""));
		Path agentDir = temp.resolve("agent");
		try (AgentProcess agent = AgentProcess.start(baseUrl(), REGISTRATION_TOKEN, agentDir, "milan-1")) {
			JsonNode host = Eventually.await(Duration.ofSeconds(30), "the agent to register",
					() -> anonymous().get("/api/hosts").json(), hosts -> hosts.size() == 1).get(0);
			long failing = startRun(repo);
			JsonNode failed = Eventually.await(Duration.ofSeconds(60), "the job to fail",
					() -> anonymous().get("/api/runs/" + failing).json().get("jobs").get(0),
					job -> job.get("state").asString().equals("failed"));

			JsonNode reservation = anonymous().get("/api/hosts/" + host.get("id").asLong()).json().get("reservation");
			assertThat(reservation.get("by").asString()).as("whoever started the run").isEqualTo("admin");
			assertThat(reservation.get("reason").asString()).contains("hold-on-failure", "guest-hang");
			assertThat(Duration.between(Instant.now(), Instant.parse(reservation.get("until").asString())))
				.isBetween(Duration.ofMinutes(29), Duration.ofMinutes(31));
			JsonNode held = anonymous().get("/api/jobs/" + failed.get("id").asLong()).json().get("held");
			assertThat(held.get("host").asString()).isEqualTo("milan-1");
			Path workspace = Path.of(held.get("workspace").asString());
			assertThat(workspace).startsWith(agentDir.toAbsolutePath());
			assertThat(workspace.resolve("evidence.txt")).hasContent("guest state at the hang");
			assertThat(anonymous().get("/jobs/" + failed.get("id").asLong()).body())
				.contains("Held for inspection", workspace.toString());

			long next = startRun(repo);
			// The agent keeps polling; the pass runs on the new job at once and every few seconds after.
			Thread.sleep(3000);
			assertThat(anonymous().get("/api/runs/" + next).json().get("jobs").get(0).get("state").asString())
				.as("a held host takes no new job").isEqualTo("queued");
			assertThat(workspace.resolve("evidence.txt")).as("nor is the workspace cleaned").exists();

			assertThat(admin().delete("/api/hosts/" + host.get("id").asLong() + "/reservation").status()).isEqualTo(200);
			Eventually.await(Duration.ofSeconds(60), "the released host to run the next job",
					() -> anonymous().get("/api/runs/" + next).json().get("jobs").get(0),
					job -> job.get("state").asString().equals("failed"));
			assertThat(Files.exists(workspace)).as("the next job on the slot cleaned the old workspace").isFalse();
		}
	}

	private long startRun(TestRepositories repo) {
		return admin().post("/api/runs", Map.of("repository", repo.url(), "ref", "main")).json().get("id").asLong();
	}

	private HttpApi admin() {
		return HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD);
	}

	private HttpApi anonymous() {
		return HttpApi.anonymous(baseUrl());
	}
}
