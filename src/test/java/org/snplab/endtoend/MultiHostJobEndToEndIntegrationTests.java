package org.snplab.endtoend;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
 * A job of two hosts at once on two real agents, each reporting its own address: each role's steps learn their
 * role, the roles and their peer's address; a {@code kill -9} of one role's agent retries the whole job.
 */
class MultiHostJobEndToEndIntegrationTests extends ServerIntegrationTest {

	private static final String ECHO_ENV = "echo \"role=$SNPLAB_ROLE roles=$SNPLAB_ROLES source=$SNPLAB_HOST_SOURCE "
			+ "destination=$SNPLAB_HOST_DESTINATION\"";

	@TempDir
	Path temp;

	@Test
	void eachRoleRunsOnItsOwnAgentKnowingItsPeersAddress() throws Exception {
		TestRepositories repo = TestRepositories.init(temp.resolve("repo"));
		repo.commit("pipeline", Map.of(".snplab.yml", """
				jobs:
				  pair:
				    steps: [ '%s' ]
				    roles: { source: {}, destination: {} }
				""".formatted(ECHO_ENV)));

		try (AgentProcess first = agent("milan-1", "127.0.0.1"); AgentProcess second = agent("milan-2", "127.0.0.2")) {
			awaitHosts(2);
			JsonNode finished = awaitRunFinished(startRun(repo));

			assertThat(finished.get("state").asString()).as(finished.toString()).isEqualTo("passed");
			Map<String, String> hostOfRole = new HashMap<>();
			for (JsonNode job : finished.get("jobs")) {
				hostOfRole.put(job.get("name").asString(), job.get("host").asString());
			}
			assertThat(hostOfRole.keySet()).containsExactlyInAnyOrder("pair/source", "pair/destination");
			assertThat(hostOfRole.get("pair/source")).isNotEqualTo(hostOfRole.get("pair/destination"));
			String source = address(hostOfRole.get("pair/source"));
			String destination = address(hostOfRole.get("pair/destination"));
			for (JsonNode job : finished.get("jobs")) {
				String role = job.get("name").asString().substring("pair/".length());
				assertThat(anonymous().get("/api/jobs/" + job.get("id").asLong() + "/log").body())
					.contains("role=" + role + " roles=source destination source=" + source + " destination=" + destination);
			}
		}
	}

	@Test
	void aKilledAgentRetriesEveryRoleOfTheJob() throws Exception {
		Path started = temp.resolve("started");
		java.nio.file.Files.createDirectories(started);
		TestRepositories repo = TestRepositories.init(temp.resolve("repo"));
		// The first attempt of each role waits long enough for its agent to be killed; the second passes at once.
		repo.commit("pipeline", Map.of(".snplab.yml", """
				jobs:
				  pair:
				    steps:
				      - '%s'
				      - 'if [ ! -e %s/$SNPLAB_ROLE ]; then touch %s/$SNPLAB_ROLE; sleep 120; fi'
				    roles: { source: {}, destination: {} }
				""".formatted(ECHO_ENV, started, started)));

		AgentProcess first = agent("milan-1", "127.0.0.1");
		AgentProcess second = agent("milan-2", "127.0.0.2");
		AgentProcess restarted = null;
		try {
			awaitHosts(2);
			long runId = startRun(repo);
			JsonNode running = Eventually.await(Duration.ofSeconds(60), "both roles to run",
					() -> anonymous().get("/api/runs/" + runId).json(),
					run -> run.get("jobs").size() == 2
							&& "running".equals(run.get("jobs").get(0).get("state").asString())
							&& "running".equals(run.get("jobs").get(1).get("state").asString())
							&& java.nio.file.Files.exists(started.resolve("source"))
							&& java.nio.file.Files.exists(started.resolve("destination")));
			String sourceHost = job(running, "pair/source").get("host").asString();
			AgentProcess killed = sourceHost.equals("milan-1") ? first : second;

			killed.crash();
			restarted = sourceHost.equals("milan-1") ? agent("milan-1", "127.0.0.1") : agent("milan-2", "127.0.0.2");
			JsonNode finished = awaitRunFinished(runId);

			assertThat(finished.get("state").asString()).as(finished.toString()).isEqualTo("passed");
			for (String name : new String[] { "pair/source", "pair/destination" }) {
				JsonNode job = job(finished, name);
				assertThat(job.get("attempt").asInt()).as(name).isEqualTo(2);
				JsonNode attempts = anonymous().get("/api/jobs/" + job.get("id").asLong()).json().get("attempts");
				assertThat(attempts).as(name + " " + attempts).hasSize(2);
				assertThat(attempts.get(0).get("result").asString()).as(name)
					.isEqualTo(name.equals("pair/source") ? "infra_error" : "canceled");
				assertThat(attempts.get(1).get("result").asString()).isEqualTo("passed");
			}
			assertThat(job(finished, "pair/source").get("host").asString())
				.isNotEqualTo(job(finished, "pair/destination").get("host").asString());
		}
		finally {
			first.close();
			second.close();
			if (restarted != null) {
				restarted.close();
			}
		}
	}

	private AgentProcess agent(String name, String address) throws java.io.IOException {
		return AgentProcess.start(baseUrl(), REGISTRATION_TOKEN, temp.resolve(name), name, "--address", address);
	}

	private void awaitHosts(int count) {
		Eventually.await(Duration.ofSeconds(30), count + " agents to register",
				() -> anonymous().get("/api/hosts").json(), hosts -> hosts.size() == count);
	}

	private long startRun(TestRepositories repo) {
		return HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD)
			.post("/api/runs", Map.of("repository", repo.url(), "ref", "main"))
			.json()
			.get("id")
			.asLong();
	}

	private JsonNode awaitRunFinished(long runId) {
		return Eventually.await(Duration.ofSeconds(120), "the run to finish",
				() -> anonymous().get("/api/runs/" + runId).json(),
				r -> !r.get("state").asString().matches("queued|running|waiting"));
	}

	private String address(String host) {
		for (JsonNode h : anonymous().get("/api/hosts").json()) {
			if (h.get("name").asString().equals(host)) {
				return h.get("address").asString();
			}
		}
		throw new AssertionError("no host " + host);
	}

	private static JsonNode job(JsonNode run, String name) {
		for (JsonNode job : run.get("jobs")) {
			if (job.get("name").asString().equals(name)) {
				return job;
			}
		}
		throw new AssertionError("no job " + name + " in " + run);
	}

	private HttpApi anonymous() {
		return HttpApi.anonymous(baseUrl());
	}
}
