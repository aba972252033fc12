package org.snplab.queue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.snplab.support.HttpAgent;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import org.snplab.web.WebFixtures;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

class RunRetryIntegrationTests extends ServerIntegrationTest {

	@Autowired
	RunService runs;

	private final RunService.Origin origin = new RunService.Origin("file:///svsm", "main", "c".repeat(40), "api");

	@Test
	void retryingAFailedRunQueuesANewRunWithOnlyTheFailedJobForAnyAgentToClaim() {
		long run = runs.queue(origin, WebFixtures.pipeline("build", "test"));
		HttpAgent agent = new HttpAgent(baseUrl(), "milan-1", Map.of());
		long failed = agent.claim();
		assertThat(agent.finish(failed, "failed", "exit 1")).isEqualTo(200);
		assertThat(agent.finish(agent.claim(), "passed", null)).isEqualTo(200);
		String failedName = db.sql("select name from job where id = ?").param(failed).query(String.class).single();

		HttpApi.Response response = maintainer().post("/api/runs/" + run + "/retry", "");

		assertThat(response.status()).as(response.body()).isEqualTo(201);
		JsonNode retry = response.json();
		long retryId = retry.get("id").asLong();
		assertThat(retry.get("trigger").asString()).isEqualTo("retry");
		assertThat(retry.get("state").asString()).isEqualTo("queued");
		assertThat(retry.get("commit").asString()).isEqualTo("c".repeat(40));
		assertThat(retry.get("jobs")).hasSize(1);
		assertThat(retry.get("jobs").get(0).get("name").asString()).isEqualTo(failedName);
		assertThat(retry.get("retryOf").asLong()).isEqualTo(run);
		long claimed = agent.claim();
		assertThat(db.sql("select run_id from job where id = ?").param(claimed).query(Long.class).single()).isEqualTo(retryId);
	}

	@Test
	void aRunWithoutFailuresCannotBeRetriedAndOneStillRunningMustFinishFirst() {
		long run = runs.queue(origin, WebFixtures.pipeline("build"));

		HttpApi.Response running = maintainer().post("/api/runs/" + run + "/retry", "");
		assertThat(running.status()).isEqualTo(409);
		assertThat(running.json().get("detail").asString()).contains("run " + run + " is still queued");

		HttpAgent agent = new HttpAgent(baseUrl(), "milan-1", Map.of());
		agent.finish(agent.claim(), "passed", null);
		HttpApi.Response passed = maintainer().post("/api/runs/" + run + "/retry", "");

		assertThat(passed.status()).isEqualTo(400);
		assertThat(passed.json().get("detail").asString()).isEqualTo("run " + run + " has no failed jobs to retry");
		assertThat(db.sql("select count(*) from run").query(Integer.class).single()).isEqualTo(1);
	}

	private HttpApi maintainer() {
		return HttpApi.basic(baseUrl(), "maintainer", USER_PASSWORD);
	}
}
