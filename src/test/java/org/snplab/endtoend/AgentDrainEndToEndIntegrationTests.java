package org.snplab.endtoend;

import java.nio.file.Files;
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

import static org.assertj.core.api.Assertions.assertThat;

/** SIGTERM drains a real agent: its running step finishes and passes, no new job is taken; a second one cancels. */
class AgentDrainEndToEndIntegrationTests extends ServerIntegrationTest {

	@TempDir
	Path temp;

	@Test
	void sigtermLetsTheRunningJobFinishTakesNoNewOneAndExitsZero() throws Exception {
		Path started = temp.resolve("started");
		Path finished = temp.resolve("finished");
		TestRepositories repo = pipeline("""
				jobs:
				  slow: { steps: [ "touch %s && sleep 4 && touch %s" ] }
				""".formatted(started, finished));
		try (AgentProcess agent = AgentProcess.start(baseUrl(), REGISTRATION_TOKEN, temp.resolve("agent"), "drain-1")) {
			awaitHost();
			long first = startRun(repo);
			Eventually.await(Duration.ofSeconds(60), "the step to start", () -> Files.exists(started), Boolean::booleanValue);

			agent.terminate();
			Eventually.await(Duration.ofSeconds(30), "the agent to see SIGTERM", () -> output(agent),
					out -> out.contains("SIGTERM: finishing the running jobs"));
			long second = startRun(repo);

			assertThat(agent.exitCode(Duration.ofSeconds(90))).isZero();
			assertThat(Files.exists(finished)).as("the step ran to its end").isTrue();
			JsonNode firstRun = anonymous().get("/api/runs/" + first).json();
			assertThat(firstRun.get("jobs").get(0).get("state").asString()).isEqualTo("passed");
			JsonNode secondRun = anonymous().get("/api/runs/" + second).json();
			assertThat(secondRun.get("jobs").get(0).get("state").asString()).as("no new job taken").isEqualTo("queued");
		}
	}

	@Test
	void aSecondSigtermCancelsTheRunningJob() throws Exception {
		Path started = temp.resolve("started");
		TestRepositories repo = pipeline("""
				jobs:
				  endless: { steps: [ "touch %s && sleep 300" ] }
				""".formatted(started));
		try (AgentProcess agent = AgentProcess.start(baseUrl(), REGISTRATION_TOKEN, temp.resolve("agent"), "drain-2")) {
			awaitHost();
			long run = startRun(repo);
			Eventually.await(Duration.ofSeconds(60), "the step to start", () -> Files.exists(started), Boolean::booleanValue);

			agent.terminate();
			Eventually.await(Duration.ofSeconds(30), "the agent to see SIGTERM", () -> output(agent),
					out -> out.contains("SIGTERM: finishing the running jobs"));
			assertThat(anonymous().get("/api/runs/" + run).json().get("jobs").get(0).get("state").asString())
				.as("the first SIGTERM cancels nothing").isEqualTo("running");
			agent.terminate();

			assertThat(agent.exitCode(Duration.ofSeconds(90))).isZero();
			JsonNode job = anonymous().get("/api/runs/" + run).json().get("jobs").get(0);
			assertThat(job.get("state").asString()).isEqualTo("canceled");
		}
	}

	private TestRepositories pipeline(String yaml) throws Exception {
		TestRepositories repo = TestRepositories.init(temp.resolve("repo"));
		repo.commit("pipeline", Map.of(".snplab.yml", yaml));
		return repo;
	}

	private void awaitHost() {
		Eventually.await(Duration.ofSeconds(30), "the agent to register", () -> anonymous().get("/api/hosts").json(),
				hosts -> hosts.size() == 1);
	}

	private long startRun(TestRepositories repo) {
		return admin().post("/api/runs", Map.of("repository", repo.url(), "ref", "main")).json().get("id").asLong();
	}

	private static String output(AgentProcess agent) {
		try {
			return agent.output();
		}
		catch (java.io.IOException e) {
			throw new IllegalStateException(e);
		}
	}

	private HttpApi admin() {
		return HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD);
	}

	private HttpApi anonymous() {
		return HttpApi.anonymous(baseUrl());
	}
}
