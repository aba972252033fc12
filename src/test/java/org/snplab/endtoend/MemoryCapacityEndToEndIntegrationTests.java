package org.snplab.endtoend;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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

/** A host is filled by memory: a real agent declaring {@code --memory 16G} runs 8 GiB guests two at a time. */
class MemoryCapacityEndToEndIntegrationTests extends ServerIntegrationTest {

	@TempDir
	Path temp;

	@Test
	void threeEightGibJobsOnASixteenGibAgentRunTwoAtATime() throws Exception {
		TestRepositories repo = TestRepositories.init(temp.resolve("repo"));
		repo.commit("pipeline", Map.of(".snplab.yml", """
				jobs:
				  guest-1: { resources: { memory: 8G }, steps: [ "sleep 3" ] }
				  guest-2: { resources: { memory: 8G }, steps: [ "sleep 3" ] }
				  guest-3: { resources: { memory: 8G }, steps: [ "sleep 3" ] }
				"""));

		try (AgentProcess agent = AgentProcess.start(baseUrl(), REGISTRATION_TOKEN, temp.resolve("agent"), "milan-1",
				"--slots", "3", "--memory", "16G")) {
			Eventually.await(Duration.ofSeconds(30), "the agent to register",
					() -> anonymous().get("/api/hosts").json(), hosts -> hosts.size() == 1);
			JsonNode run = admin().post("/api/runs", Map.of("repository", repo.url(), "ref", "main")).json();
			JsonNode finished = Eventually.await(Duration.ofSeconds(90), "the run to finish",
					() -> anonymous().get("/api/runs/" + run.get("id").asLong()).json(),
					r -> !r.get("state").asString().matches("queued|running|waiting"));

			assertThat(finished.get("state").asString()).isEqualTo("passed");
			List<Interval> jobs = new ArrayList<>();
			for (JsonNode job : finished.get("jobs")) {
				jobs.add(new Interval(Instant.parse(job.get("startedAt").asString()),
						Instant.parse(job.get("finishedAt").asString())));
			}
			jobs.sort(Comparator.comparing(Interval::start));
			Instant firstFinish = jobs.get(0).end().isBefore(jobs.get(1).end()) ? jobs.get(0).end() : jobs.get(1).end();
			assertThat(jobs.get(1).start()).as("two guests run at once").isBefore(jobs.get(0).end());
			assertThat(jobs.get(2).start()).as("the third waits for 8 GiB to be free").isAfterOrEqualTo(firstFinish);
		}
	}

	private record Interval(Instant start, Instant end) {
	}

	private HttpApi admin() {
		return HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD);
	}

	private HttpApi anonymous() {
		return HttpApi.anonymous(baseUrl());
	}
}
