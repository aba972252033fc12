package org.snplab.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.snplab.hosts.HostRegistry;
import org.snplab.pipeline.JobSpec;
import org.snplab.support.HttpAgent;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.snplab.queue.Pipelines.anyHostJob;

/**
 * A wedged host (checkouts fail, steps can't start, its agent keeps dying) must not use up every job's attempts:
 * after {@code snplab.queue.quarantine-after} (3) infra errors in a row it is quarantined until an admin puts it back.
 */
class HostQuarantineIntegrationTests extends ServerIntegrationTest {

	@Autowired
	RunService runs;

	@Autowired
	HostRegistry hosts;

	@Test
	void aHostWhoseAttemptsKeepEndingInInfraErrorsIsQuarantinedAndItsJobsPassElsewhere() {
		long runId = queueJobs(4);
		// Two hosts: quarantine never takes the last good one (snplab.health.max-unhealthy).
		HttpAgent healthy = new HttpAgent(baseUrl(), "healthy-1", Map.of());
		HttpAgent wedged = new HttpAgent(baseUrl(), "wedged-1", Map.of());

		for (int i = 0; i < 3; i++) {
			wedged.finish(wedged.poll(), "infra_error", "checkout failed: No space left on device", 0);
		}

		JsonNode host = admin().get("/api/hosts/" + wedged.hostId).json();
		assertThat(host.get("state").asString()).isEqualTo("quarantined");
		assertThat(host.get("modeReason").asString())
			.startsWith("quarantined: its last 3 attempts ended in infra_error")
			.contains("checkout failed: No space left on device");
		assertThat(wedged.poll()).as("a quarantined host gets no job, though four are queued").isNull();
		assertThat(HttpApi.anonymous(baseUrl()).get("/hosts/" + wedged.hostId).body())
			.contains("quarantined: its last 3 attempts ended in infra_error");

		for (int i = 0; i < 4; i++) {
			healthy.finish(healthy.poll(), "passed", "", 0);
		}
		assertThat(healthy.poll()).isNull();
		JsonNode run = admin().get("/api/runs/" + runId).json();
		assertThat(run.get("state").asString()).as("the wedged host cost no result").isEqualTo("passed");
		assertThat(run.get("jobs").valueStream().map(job -> job.get("attempt").asInt()))
			.as("the three jobs it failed were retried once each, the fourth never went near it")
			.containsExactlyInAnyOrder(2, 2, 2, 1);

		JsonNode back = admin().post("/api/hosts/" + wedged.hostId + "/activate", Map.of()).json();
		assertThat(back.get("state").asString()).isEqualTo("online");
		assertThat(back.get("modeReason").isNull()).isTrue();
	}

	@Test
	void onlyInfraErrorsInARowCountAndAnAdminsReturnStartsTheCountAfresh() {
		queueJobs(8);
		bystander();
		HttpAgent flaky = new HttpAgent(baseUrl(), "flaky-1", Map.of());

		report(flaky, "infra_error", "infra_error", "failed", "infra_error", "infra_error");
		assertThat(state(flaky)).as("a test failure breaks the streak").isEqualTo("online");

		report(flaky, "infra_error");
		assertThat(state(flaky)).isEqualTo("quarantined");

		admin().post("/api/hosts/" + flaky.hostId + "/activate", Map.of());
		report(flaky, "infra_error");
		assertThat(state(flaky)).as("the errors before its return don't count again").isEqualTo("online");
	}

	@Test
	void anAgentThatKeepsLosingItsJobsIsQuarantinedToo() {
		queueJobs(4);
		bystander();
		HttpAgent crashing = new HttpAgent(baseUrl(), "crashing-1", Map.of());

		// Each poll on the busy slot means the agent restarted and lost the job running there.
		assertThat(crashing.poll()).isNotNull();
		assertThat(crashing.poll()).isNotNull();
		assertThat(crashing.poll()).isNotNull();
		assertThat(crashing.poll()).as("the third lost job quarantines the host before it gets a fourth").isNull();

		assertThat(state(crashing)).isEqualTo("quarantined");
		assertThat(hosts.find(crashing.hostId).orElseThrow().modeReason()).contains("restarted and lost the job");
	}

	/** Another host in the lab (that doesn't poll): quarantine never takes the last good one. */
	private void bystander() {
		new HttpAgent(baseUrl(), "bystander-1", Map.of());
	}

	private long queueJobs(int count) {
		List<JobSpec> jobs = new ArrayList<>();
		IntStream.range(0, count).forEach(i -> jobs.add(anyHostJob("job-" + i)));
		return runs.queue(new RunService.Origin("file:///repo", "main", "a".repeat(40), "api"),
				Pipelines.of(jobs.toArray(JobSpec[]::new)));
	}

	/** Claims one fresh job per result and reports it ended so. */
	private void report(HttpAgent agent, String... results) {
		for (String result : results) {
			JsonNode job = agent.poll();
			assertThat(job).as("a job to report " + result + " for").isNotNull();
			agent.finish(job, result, result.equals("failed") ? "step 1 exited 2" : "step could not start", 2);
		}
	}

	private String state(HttpAgent agent) {
		return admin().get("/api/hosts/" + agent.hostId).json().get("state").asString();
	}

	private HttpApi admin() {
		return HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD);
	}
}
