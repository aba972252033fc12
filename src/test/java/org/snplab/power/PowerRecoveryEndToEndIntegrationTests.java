package org.snplab.power;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.snplab.support.Eventually;
import org.snplab.support.PowerIntegrationTest;
import org.snplab.support.SettableClock;
import org.snplab.support.TestRepositories;
import org.snplab.support.TestTemp;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end with real processes: a real agent, started by the BMC simulator as its host's "power on", stops
 * answering (SIGSTOP) with a job running; once silent for recover-after, snplab power-cycles the host through
 * ipmi_sim, which kills the stopped agent and starts a fresh one; it comes back, passes a health check, and runs the
 * job's retry. The notification reaches the webhook once.
 */
@Import(SettableClock.Config.class)
class PowerRecoveryEndToEndIntegrationTests extends PowerIntegrationTest {

	@DynamicPropertySource
	static void recovery(DynamicPropertyRegistry registry) {
		registry.add("snplab.power.recovery-interval", () -> "1h");
		// Health checks as in a lab (the test configuration turns them off elsewhere): a quick one that passes.
		registry.add("snplab.health.enabled", () -> "true");
		registry.add("snplab.health.check-new-hosts", () -> "true");
		registry.add("snplab.health.steps[0]", () -> "true");
	}

	@Autowired
	SettableClock clock;

	@Autowired
	Recovery recovery;

	@Test
	void aWedgedAgentIsPowerCycledThroughTheBmcAndItsJobsRetryRunsOnItsReturn() throws Exception {
		clock.set(java.time.Instant.now().plusSeconds(10)); // past the lease grace after the server's start
		Path dir = Files.createTempDirectory("snplab-recovery-e2e");
		TestRepositories repo = TestRepositories.init(dir.resolve("repo"));
		Path mark = dir.resolve("first-attempt-ran");
		// The first attempt hangs (its agent will be stopped); the retry, after the power cycle, passes.
		repo.commit("pipeline", Map.of(".snplab.yml", """
				jobs:
				  snp-test:
				    steps: [ "if [ -e %s ]; then echo retry passes; else touch %s; sleep 600; fi" ]
				""".formatted(mark, mark)));
		Path launcher = dir.resolve("agent.sh");
		Files.writeString(launcher, "exec " + Path.of(System.getProperty("java.home"), "bin", "java") + " -Xmx128m "
				+ "-XX:TieredStopAtLevel=1 " + TestTemp.javaOption() + " -cp " + System.getProperty("java.class.path")
				+ " org.snplab.SnplabApplication agent --server " + baseUrl() + " --work-dir " + dir.resolve("work")
				+ " --name snp-host-1 --kill-grace 2 --token " + REGISTRATION_TOKEN + " >> " + dir.resolve("agent.log")
				+ " 2>&1\n");
		try (IpmiSimulator bmc = IpmiSimulator.start(dir, "sh " + launcher, true)) {
			long host = Eventually.await(Duration.ofSeconds(60), "the agent to register",
					() -> db.sql("select id from host where name = 'snp-host-1'").query(Long.class).optional(),
					java.util.Optional::isPresent).orElseThrow();
			assertThat(admin().put("/api/hosts/" + host + "/power", Map.of("driver", "ipmi", "address", "127.0.0.1",
					"port", bmc.port, "user", IpmiSimulator.USER, "password", IpmiSimulator.PASSWORD, "cipher-suite", 3))
				.status()).isEqualTo(200);
			long runId = admin().post("/api/runs", Map.of("repository", repo.url(), "ref", "main")).json().get("id").asLong();
			Eventually.await(Duration.ofSeconds(60), "the first attempt to run", () -> Files.exists(mark), done -> done);
			long firstAgent = bmc.host().orElseThrow().pid();

			stop(firstAgent);
			Eventually.await(Duration.ofSeconds(30), "the lease to expire on the stopped agent",
					() -> db.sql("select count(*) from job_attempt where host_id = ? and result = 'infra_error'")
						.param(host).query(Integer.class).single(), count -> count > 0);
			clock.advance(Duration.ofMinutes(11));
			recovery.run();

			assertThat(timeline(host).get(0).get("summary").asString()).isEqualTo("power cycle: done");
			Eventually.await(Duration.ofSeconds(60), "a fresh agent started by the power cycle",
					() -> bmc.host().map(ProcessHandle::pid).orElse(firstAgent), pid -> pid != firstAgent);
			assertThat(ProcessHandle.of(firstAgent).filter(ProcessHandle::isAlive)).as("the stopped agent was killed").isEmpty();
			JsonNode run = Eventually.await(Duration.ofSeconds(90), "the retry to pass",
					() -> admin().get("/api/runs/" + runId).json(), r -> r.get("state").asString().equals("passed"));
			assertThat(run.get("jobs").get(0).get("attempt").asInt()).isEqualTo(2);
			assertThat(run.get("jobs").get(0).get("host").asString()).isEqualTo("snp-host-1");
			long retry = run.get("jobs").get(0).get("id").asLong();
			assertThat(db.sql("""
					select count(*) from health_check c join job j on j.id = c.job_id join job r on r.id = ?
					where c.host_id = ? and j.result = 'passed' and j.finished_at <= r.started_at""")
				.params(retry, host).query(Integer.class).single())
				.as("its first check, and the one on its return, passed before the retry started").isEqualTo(2);
			assertThat(timeline(host).valueStream().map(e -> e.get("kind").asString()))
				.containsSubsequence("online", "power-cycle", "offline");
			Eventually.await(Duration.ofSeconds(20), "the cycle's notification", () -> webhook.received("power-cycle-done"),
					list -> !list.isEmpty());
			recovery.run();
			assertThat(webhook.received("power-cycle-done")).as("one cycle, notified once").hasSize(1);
		}
	}

	private JsonNode timeline(long host) {
		return admin().get("/api/hosts/" + host + "/history").json();
	}

	private static void stop(long pid) throws IOException, InterruptedException {
		assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor()).isZero();
	}
}
