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
import org.snplab.support.ServerProcess;
import org.snplab.support.TestDatabases;
import org.snplab.support.TestRepositories;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server is killed while an agent runs a job; after it comes back, the job's log and result are complete, and
 * a job whose agent kept running is never retried, however long the server was down.
 */
class ServerRestartIntegrationTests {

	@TempDir
	Path temp;

	@Test
	void serverKilledMidJobLosesNothing() throws Exception {
		TestRepositories repo = TestRepositories.init(temp.resolve("repo"));
		repo.commit("pipeline", Map.of(".snplab.yml", """
				jobs:
				  across-restart:
				    steps: [ "echo before-restart", "sleep 8", "echo after-restart" ]
				"""));
		int port = ServerProcess.freePort();
		Map<String, String> properties = Map.of("spring.datasource.url", TestDatabases.newDatabase(), "snplab.data-dir",
				temp.resolve("data").toString(), "snplab.agent.registration-token", "token", "snplab.queue.heartbeat", "1s");
		Map<String, String> environment = Map.of("SNPLAB_ADMIN_PASSWORD", "secret");
		Path log = temp.resolve("server.log");

		ServerProcess server = ServerProcess.start(log, port, properties, environment);
		try (AgentProcess agent = AgentProcess.start(server.baseUrl(), "token", temp.resolve("agent"), "agent-a")) {
			long[] started = runUntilItsFirstStepPrinted(server, repo);
			long runId = started[0];
			long jobId = started[1];

			server.crash();
			server = ServerProcess.start(log, port, properties, environment);

			HttpApi again = HttpApi.anonymous(server.baseUrl());
			JsonNode run = Eventually.await(Duration.ofSeconds(90), "the run to finish", () -> again.get("/api/runs/" + runId).json(),
					r -> !r.get("state").asString().matches("queued|running"));
			assertThat(run.get("state").asString()).isEqualTo("passed");
			assertThat(run.get("jobs").get(0).get("attempt").asInt()).as("the lease outlived the restart").isEqualTo(1);
			String jobLog = again.get("/api/jobs/" + jobId + "/log").body();
			assertThat(jobLog).contains("before-restart").contains("after-restart");
			assertThat(jobLog.indexOf("before-restart")).isLessThan(jobLog.indexOf("after-restart"));
		}
		finally {
			server.close();
		}
	}

	@Test
	void aRestartAfterTwoLeasesDownRerunsNothing() throws Exception {
		Path go = temp.resolve("go");
		TestRepositories repo = TestRepositories.init(temp.resolve("repo"));
		repo.commit("pipeline", Map.of(".snplab.yml", """
				jobs:
				  across-a-long-outage:
				    steps: [ "echo before-restart", "while [ ! -e %s ]; do sleep 0.2; done; echo after-restart" ]
				""".formatted(go)));
		int port = ServerProcess.freePort();
		Duration lease = Duration.ofSeconds(3);
		Map<String, String> properties = Map.of("spring.datasource.url", TestDatabases.newDatabase(), "snplab.data-dir",
				temp.resolve("data").toString(), "snplab.agent.registration-token", "token", "snplab.queue.heartbeat", "1s",
				"snplab.queue.lease", lease.toSeconds() + "s", "snplab.queue.lease-check-interval", "1s");
		Map<String, String> environment = Map.of("SNPLAB_ADMIN_PASSWORD", "secret");
		Path log = temp.resolve("server.log");

		ServerProcess server = ServerProcess.start(log, port, properties, environment);
		try (AgentProcess agent = AgentProcess.start(server.baseUrl(), "token", temp.resolve("agent"), "agent-a")) {
			long[] started = runUntilItsFirstStepPrinted(server, repo);
			long runId = started[0];
			long jobId = started[1];

			server.crash();
			Thread.sleep(lease.multipliedBy(2).plusSeconds(1).toMillis()); // every lease ran out meanwhile
			server = ServerProcess.start(log, port, properties, environment);
			// Lease checks run every second from the start: give them more than a lease to (wrongly) expire it.
			Thread.sleep(lease.plusSeconds(2).toMillis());

			HttpApi again = HttpApi.anonymous(server.baseUrl());
			JsonNode job = again.get("/api/jobs/" + jobId).json();
			assertThat(job.get("state").asString()).as("the agent's heartbeats renewed the lease").isEqualTo("running");
			assertThat(job.get("attempt").asInt()).isEqualTo(1);
			Files.createFile(go);
			JsonNode run = Eventually.await(Duration.ofSeconds(60), "the run to finish", () -> again.get("/api/runs/" + runId).json(),
					r -> !r.get("state").asString().matches("queued|running"));
			assertThat(run.get("state").asString()).isEqualTo("passed");
			assertThat(run.get("jobs").get(0).get("attempt").asInt()).as("nothing was rerun").isEqualTo(1);
			assertThat(again.get("/api/jobs/" + jobId + "/log").body()).contains("after-restart");
		}
		finally {
			server.close();
		}
	}

	/** Queues the repository's pipeline and waits until its job runs and has printed "before-restart": {run, job}. */
	private static long[] runUntilItsFirstStepPrinted(ServerProcess server, TestRepositories repo) {
		HttpApi admin = HttpApi.basic(server.baseUrl(), "admin", "secret");
		long runId = admin.post("/api/runs", Map.of("repository", repo.url(), "ref", "main")).json().get("id").asLong();
		long jobId = Eventually.await(Duration.ofSeconds(60), "the job to start",
				() -> admin.get("/api/runs/" + runId).json().get("jobs").get(0),
				job -> "running".equals(job.get("state").asString())).get("id").asLong();
		Eventually.await(Duration.ofSeconds(30), "the first step's output", () -> admin.get("/api/jobs/" + jobId + "/log").body(),
				text -> text.contains("before-restart"));
		return new long[] { runId, jobId };
	}
}
