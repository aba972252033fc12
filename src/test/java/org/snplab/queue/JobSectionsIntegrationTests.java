package org.snplab.queue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.snplab.support.HttpAgent;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** The sections an agent reports with its finish, over real HTTP: refused with a 400 naming the bad one, else kept. */
class JobSectionsIntegrationTests extends ServerIntegrationTest {

	@Autowired
	RunService runs;

	@Test
	void aBadSectionIsRefusedNamingItAndTheFinishWaitsForAGoodOne() {
		runs.queue(new RunService.Origin("file:///repo", "main", "a".repeat(40), "api"), Pipelines.of(Pipelines.anyHostJob("build")));
		HttpAgent agent = new HttpAgent(baseUrl(), "runner", Map.of());
		long job = agent.claim();

		HttpApi.Response refused = agent.finishAnswer(job, 1, Map.of("result", "failed", "reason", "step 1 exited 2",
				"exitCode", 2, "sections", List.of(section("checkout", "checkout", null, false),
						section("compile", "make", 2, true))));
		assertThat(refused.status()).isEqualTo(400);
		assertThat(refused.body()).contains("sections[1].kind must be checkout, cache or step");
		assertThat(anonymous().get("/api/jobs/" + job).json().get("state").asString()).isEqualTo("running");

		HttpApi.Response backwards = agent.finishAnswer(job, 1, Map.of("result", "failed", "reason", "x", "exitCode", 2,
				"sections", List.of(Map.of("kind", "step", "name", "make", "startedAt", "2026-12-02T10:00:05Z",
						"finishedAt", "2026-12-02T10:00:00Z", "failed", true, "logOffset", 0))));
		assertThat(backwards.status()).isEqualTo(400);
		assertThat(backwards.body()).contains("sections[0] needs startedAt and a finishedAt not before it");

		assertThat(agent.finishAnswer(job, 1, Map.of("result", "failed", "reason", "step 1 exited 2", "exitCode", 2,
				"sections", List.of(section("checkout", "checkout", null, false), section("step", "make", 2, true))))
			.status()).isEqualTo(200);
		JsonNode steps = anonymous().get("/api/jobs/" + job).json().get("steps");
		assertThat(steps).hasSize(2);
		assertThat(steps.get(1).get("name").asString()).isEqualTo("make");
		assertThat(steps.get(1).get("exitCode").asInt()).isEqualTo(2);
		assertThat(steps.get(1).get("failed").asBoolean()).isTrue();
		assertThat(steps.get(1).get("logOffset").asLong()).isEqualTo(120);
	}

	private static Map<String, Object> section(String kind, String name, Integer exitCode, boolean failed) {
		Map<String, Object> section = new java.util.HashMap<>(Map.of("kind", kind, "name", name, "startedAt",
				"2026-12-02T10:00:00Z", "finishedAt", "2026-12-02T10:00:07Z", "failed", failed, "logOffset", failed ? 120 : 0));
		if (exitCode != null) {
			section.put("exitCode", exitCode);
		}
		return section;
	}

	private HttpApi anonymous() {
		return HttpApi.anonymous(baseUrl());
	}
}
