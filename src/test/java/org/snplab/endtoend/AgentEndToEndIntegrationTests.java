package org.snplab.endtoend;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.support.AgentProcess;
import org.snplab.support.Eventually;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import org.snplab.support.TestRepositories;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Real agent processes running real shell steps for the real server, on a real git repository. */
class AgentEndToEndIntegrationTests extends ServerIntegrationTest {

	@TempDir
	Path temp;

	@Test
	void agentRunsStepsAndLogsArtifactsAndExitStatusComeBack() throws Exception {
		TestRepositories repo = TestRepositories.init(temp.resolve("repo"));
		repo.commit("pipeline", Map.of(".snplab.yml", """
				jobs:
				  build:
				    steps:
				      - echo line-1
				      - for i in $(seq 2 300); do echo line-$i; done
				      - mkdir -p out && echo "slot $SNPLAB_SLOT commit $SNPLAB_COMMIT" > out/result.log
				    artifacts: [ "out/*.log" ]
				  broken:
				    steps: [ "echo before", "exit 3", "echo never" ]
				"""));

		try (AgentProcess agent = AgentProcess.start(baseUrl(), REGISTRATION_TOKEN, temp.resolve("agent"), "agent-a")) {
			JsonNode run = admin().post("/api/runs", Map.of("repository", repo.url(), "ref", "main")).json();
			JsonNode finished = awaitRunFinished(run.get("id").asLong());

			assertThat(finished.get("state").asString()).isEqualTo("failed");
			JsonNode build = job(finished, "build");
			JsonNode broken = job(finished, "broken");
			assertThat(build.get("state").asString()).isEqualTo("passed");
			assertThat(build.get("host").asString()).isEqualTo("agent-a");
			assertThat(broken.get("state").asString()).isEqualTo("failed");
			assertThat(broken.get("reason").asString()).isEqualTo("step 2 exited 3");

			String log = anonymous().get("/api/jobs/" + build.get("id").asLong() + "/log").body();
			String expected = IntStream.rangeClosed(1, 300).mapToObj(i -> "line-" + i + "\n").collect(Collectors.joining());
			assertThat(log.lines().filter(l -> l.startsWith("line-")).map(l -> l + "\n").collect(Collectors.joining()))
				.isEqualTo(expected);
			String brokenLog = anonymous().get("/api/jobs/" + broken.get("id").asLong() + "/log").body();
			assertThat(brokenLog).contains("before").doesNotContain("never");

			JsonNode artifacts = anonymous().get("/api/jobs/" + build.get("id").asLong() + "/artifacts").json();
			assertThat(artifacts).hasSize(1);
			assertThat(artifacts.get(0).get("name").asString()).isEqualTo("out/result.log");
			String content = anonymous()
				.get("/api/jobs/" + build.get("id").asLong() + "/artifacts/" + artifacts.get(0).get("id").asLong()).body();
			assertThat(content).isEqualTo("slot 0 commit " + finished.get("commit").asString() + "\n");

			// The agent's own log, through SLF4J: a timestamped line per outcome, written once the finish is reported.
			String outcome = "INFO  agent: slot 0: job " + broken.get("id").asLong() + " attempt 1 failed (step 2 exited 3)";
			long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
			while (!agent.output().contains(outcome) && System.nanoTime() < deadline) {
				Thread.sleep(50);
			}
			assertThat(agent.output().lines().filter(l -> l.endsWith(outcome)))
				.singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
				.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S+ " + java.util.regex.Pattern.quote(outcome));
			assertThat(agent.output()).doesNotContain("DEBUG");
		}
	}

	@Test
	void anAgentGivenItsTokenInTheEnvironmentRegistersAndItsStepsNeverSeeTheToken() throws Exception {
		TestRepositories repo = TestRepositories.init(temp.resolve("repo"));
		repo.commit("pipeline", Map.of(".snplab.yml", """
				jobs:
				  peek: { steps: [ "echo token=${SNPLAB_REGISTRATION_TOKEN:-none}" ] }
				"""));

		try (AgentProcess agent = AgentProcess.startWithTokenInEnvironment(baseUrl(), REGISTRATION_TOKEN,
				temp.resolve("agent"), "agent-env")) {
			JsonNode run = admin().post("/api/runs", Map.of("repository", repo.url(), "ref", "main")).json();
			JsonNode finished = awaitRunFinished(run.get("id").asLong());

			JsonNode peek = job(finished, "peek");
			assertThat(peek.get("state").asString()).isEqualTo("passed");
			assertThat(peek.get("host").asString()).isEqualTo("agent-env");
			assertThat(anonymous().get("/api/jobs/" + peek.get("id").asLong() + "/log").body()).contains("token=none")
				.doesNotContain(REGISTRATION_TOKEN);
		}
	}

	@Test
	void killedAgentsJobIsRetriedOnTheOtherAgentAndFinishesOnce() throws Exception {
		TestRepositories repo = TestRepositories.init(temp.resolve("repo"));
		repo.commit("pipeline", Map.of(".snplab.yml", """
				jobs:
				  long:
				    steps: [ "echo started on attempt; sleep 4; echo finished" ]
				"""));

		try (AgentProcess first = AgentProcess.start(baseUrl(), REGISTRATION_TOKEN, temp.resolve("a"), "agent-a")) {
			long runId = admin().post("/api/runs", Map.of("repository", repo.url(), "ref", "main")).json().get("id").asLong();
			JsonNode running = Eventually.await(Duration.ofSeconds(60), "the job to run on agent-a",
					() -> admin().get("/api/runs/" + runId).json().get("jobs").get(0),
					job -> "running".equals(job.get("state").asString()));
			assertThat(running.get("host").asString()).isEqualTo("agent-a");

			try (AgentProcess second = AgentProcess.start(baseUrl(), REGISTRATION_TOKEN, temp.resolve("b"), "agent-b")) {
				first.crash();
				JsonNode finished = awaitRunFinished(runId);

				JsonNode job = finished.get("jobs").get(0);
				assertThat(finished.get("state").asString()).isEqualTo("passed");
				assertThat(job.get("host").asString()).isEqualTo("agent-b");
				assertThat(job.get("attempt").asInt()).isEqualTo(2);
				JsonNode detail = admin().get("/api/jobs/" + job.get("id").asLong()).json();
				assertThat(detail.get("attempts")).hasSize(2);
				assertThat(detail.get("attempts").get(0).get("result").asString()).isEqualTo("infra_error");
				assertThat(detail.get("attempts").get(0).get("host").asString()).isEqualTo("agent-a");
				assertThat(detail.get("attempts").get(1).get("result").asString()).isEqualTo("passed");
				assertThat(db.sql("select status from host where name = 'agent-a'").query(String.class).single())
					.isEqualTo("offline");
				assertThat(anonymous().get("/api/jobs/" + job.get("id").asLong() + "/log").body()).contains("finished");
			}
		}
	}

	@Test
	void canceledJobIsStoppedByItsAgentWithinSeconds() throws Exception {
		TestRepositories repo = TestRepositories.init(temp.resolve("repo"));
		Path marker = temp.resolve("child.pid");
		repo.commit("pipeline", Map.of(".snplab.yml", """
				jobs:
				  stuck:
				    steps: [ "sleep 600 & echo $! > %s; echo waiting; wait" ]
				""".formatted(marker)));

		try (AgentProcess agent = AgentProcess.start(baseUrl(), REGISTRATION_TOKEN, temp.resolve("agent"), "agent-a")) {
			long runId = admin().post("/api/runs", Map.of("repository", repo.url(), "ref", "main")).json().get("id").asLong();
			long jobId = Eventually.await(Duration.ofSeconds(60), "the job to start",
					() -> anonymous().get("/api/runs/" + runId).json().get("jobs").get(0),
					job -> "running".equals(job.get("state").asString())).get("id").asLong();
			long sleeper = Eventually.await(Duration.ofSeconds(30), "the step's background child",
					() -> readPid(marker), pid -> pid > 0);

			assertThat(admin().post("/api/jobs/" + jobId + "/cancel", Map.of()).status()).isEqualTo(200);

			JsonNode run = awaitRunFinished(runId);
			assertThat(run.get("state").asString()).isEqualTo("canceled");
			assertThat(run.get("jobs").get(0).get("state").asString()).isEqualTo("canceled");
			Eventually.await(Duration.ofSeconds(10), "the background child to be killed",
					() -> ProcessHandle.of(sleeper).map(ProcessHandle::isAlive).orElse(false), alive -> !alive);
		}
	}

	@Test
	void anonymousUsersCannotCancelOrSubmit() {
		assertThat(anonymous().post("/api/runs", Map.of("repository", "x", "ref", "main")).status()).isEqualTo(401);
		assertThat(anonymous().post("/api/jobs/1/cancel", Map.of()).status()).isEqualTo(401);
	}

	private JsonNode awaitRunFinished(long runId) {
		return Eventually.await(Duration.ofSeconds(90), "run " + runId + " to finish",
				() -> anonymous().get("/api/runs/" + runId).json(),
				run -> !run.get("state").asString().matches("queued|running|waiting"));
	}

	private static long readPid(Path file) {
		try {
			return Long.parseLong(java.nio.file.Files.readString(file).trim());
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	private static JsonNode job(JsonNode run, String name) {
		for (JsonNode job : run.get("jobs")) {
			if (job.get("name").asString().equals(name)) {
				return job;
			}
		}
		throw new AssertionError("no job " + name + " in " + run);
	}

	private HttpApi admin() {
		return HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD);
	}

	private HttpApi anonymous() {
		return HttpApi.anonymous(baseUrl());
	}
}
