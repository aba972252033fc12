package org.snplab.power;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.snplab.hosts.HostHistory;
import org.snplab.pipeline.PipelineParser;
import org.snplab.queue.RunService;
import org.snplab.support.Eventually;
import org.snplab.support.HttpAgent;
import org.snplab.support.PowerIntegrationTest;
import org.snplab.support.SettableClock;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Automatic recovery, driven by a settable clock: a host that lost its job and stayed silent is power-cycled (the
 * command driver), quarantined when its agent isn't back in time, and never cycled in maintenance, without settings
 * or past the daily bound; the admins are told each time.
 */
@Import(SettableClock.Config.class)
class PowerRecoveryIntegrationTests extends PowerIntegrationTest {

	@DynamicPropertySource
	static void recovery(DynamicPropertyRegistry registry) {
		// The test runs each pass itself.
		registry.add("snplab.power.recovery-interval", () -> "1h");
	}

	@Autowired
	SettableClock clock;

	@Autowired
	Recovery recovery;

	@Autowired
	RunService runs;

	@Autowired
	HostHistory history;

	@Autowired
	PowerProperties properties;

	@Autowired
	PowerActions actions;

	@Autowired
	org.snplab.hosts.HostRegistry hosts;

	@Autowired
	org.snplab.hosts.HostHealth hostHealth;

	@Autowired
	org.snplab.hosts.Quarantine quarantine;

	@Autowired
	org.snplab.notify.Notifications notifications;

	Path dir;

	Path pdu;

	@BeforeEach
	void pdu() throws IOException {
		// Real time again (an earlier test moved it on), past the lease grace after the server's start: leases expire.
		clock.set(java.time.Instant.now().plusSeconds(10));
		dir = Files.createTempDirectory("snplab-recovery-pdu");
		pdu = dir.resolve("pdu-power");
		Files.writeString(pdu, """
				#!/bin/sh
				echo "$SNPLAB_POWER_ACTION $SNPLAB_HOST" >> "$(dirname "$0")/calls"
				[ "$SNPLAB_POWER_ACTION" = status ] && echo on || echo "outlet: $SNPLAB_POWER_ACTION"
				""");
		Files.setPosixFilePermissions(pdu, PosixFilePermissions.fromString("rwx------"));
	}

	@Test
	void aSilentHostThatLostItsJobIsCycledOnceThenQuarantinedWhenItDoesNotComeBack() throws Exception {
		healthyBystanders("r1");
		HttpAgent wedged = hostThatLostItsJob("wedged-r1", true);

		clock.advance(Duration.ofMinutes(9));
		recovery.run();
		assertThat(cycles()).as("not silent for recover-after yet").isEmpty();

		clock.advance(Duration.ofMinutes(2));
		recovery.run();
		assertThat(cycles()).containsExactly("cycle wedged-r1");
		JsonNode cycle = timeline(wedged).get(0);
		assertThat(cycle.get("kind").asString()).isEqualTo("power-cycle");
		assertThat(cycle.get("actor").asString()).isEqualTo("snplab");
		assertThat(cycle.get("reason").asString()).startsWith("silent for 11 min while it had work");
		Eventually.await(Duration.ofSeconds(20), "the cycle's notification", () -> webhook.received("power-cycle-done"),
				list -> list.size() == 1);

		clock.advance(Duration.ofMinutes(10));
		recovery.run();
		assertThat(cycles()).as("waiting for its agent: no second cycle").hasSize(1);
		assertThat(state(wedged)).isEqualTo("offline");

		clock.advance(Duration.ofMinutes(6));
		recovery.run();
		assertThat(admin().get("/api/hosts/" + wedged.hostId).json().get("modeReason").asString())
			.isEqualTo("quarantined: its agent was not back within 15 min of its automatic power cycle");
		List<JsonNode> told = Eventually.await(Duration.ofSeconds(20), "the quarantine's notification",
				() -> webhook.received("host-quarantined"), list -> !list.isEmpty());
		assertThat(told).hasSize(1);
		recovery.run();
		assertThat(cycles()).as("a quarantined host is left alone").hasSize(1);
	}

	@Test
	void aHostWhoseAgentComesBackAfterTheCycleIsNotQuarantined() throws Exception {
		HttpAgent wedged = hostThatLostItsJob("wedged-r2", true);
		clock.advance(Duration.ofMinutes(11));
		recovery.run();
		assertThat(cycles()).hasSize(1);

		assertThat(wedged.heartbeat(Map.of(), Map.of())).isEqualTo(200);
		clock.advance(Duration.ofMinutes(20));
		recovery.run();

		assertThat(state(wedged)).isEqualTo("online");
		assertThat(timeline(wedged).get(0).get("kind").asString()).isEqualTo("online");
	}

	@Test
	void neverCyclesAHostInMaintenanceAndTellsTheAdminsOnce() throws Exception {
		HttpAgent wedged = hostThatLostItsJob("wedged-r3", true);
		admin().post("/api/hosts/" + wedged.hostId + "/maintenance", Map.of());

		clock.advance(Duration.ofMinutes(11));
		recovery.run();
		recovery.run();

		assertThat(cycles()).isEmpty();
		assertThat(timeline(wedged).get(0).get("summary").asString())
			.isEqualTo("silent while it had work, not power-cycled: it is in maintenance");
		List<JsonNode> told = Eventually.await(Duration.ofSeconds(20), "the refusal's notification",
				() -> webhook.received("host-needs-a-person"), list -> !list.isEmpty());
		assertThat(told.get(0).get("text").asString()).contains("wedged-r3").contains("it needs a person");
		assertThat(db.sql("select count(*) from notification where event = 'host-needs-a-person' and channel = 'webhook'").query(Integer.class)
			.single()).as("told once, not on every pass").isEqualTo(1);
	}

	@Autowired
	org.snplab.health.HealthChecks healthChecks;

	@Autowired
	org.snplab.hosts.HostHeartbeats heartbeats;

	@Autowired
	org.snplab.hosts.HostJobs hostJobs;

	@Test
	void aHostThatFailedItsHealthCheckIsCycledOnceAndCheckedAgain() throws Exception {
		healthyBystanders("fc");
		HttpAgent agent = new HttpAgent(baseUrl(), "failing-check-1", Map.of());
		assertThat(admin().put("/api/hosts/" + agent.hostId + "/power", Map.of("driver", "command", "command",
				pdu.toString())).status()).isEqualTo(200);
		healthChecks.request(agent.hostId, "asked by admin");
		JsonNode check = agent.poll();
		assertThat(check.get("name").asString()).isEqualTo("health-check");
		agent.finish(check, "failed", "exit 1: /dev/sev missing", 1);
		assertThat(admin().get("/api/hosts/" + agent.hostId).json().get("health").get("state").asString()).isEqualTo("bad");
		clock.advance(Duration.ofMinutes(11)); // past the grace after the server's start

		recovery.run();
		recovery.run();

		assertThat(cycles()).as("once for that failed check").containsExactly("cycle failing-check-1");
		assertThat(timeline(agent).valueStream().map(e -> e.get("summary").asString()))
			.contains("power cycle: done");
		assertThat(db.sql("select why from health_check where host_id = ? order by job_id desc limit 1")
			.param(agent.hostId).query(String.class).single()).isEqualTo("after an automatic power cycle");
	}

	@Test
	void neverCyclesAHostAPersonReserved() throws Exception {
		HttpAgent wedged = hostThatLostItsJob("wedged-r6", true);
		assertThat(admin().post("/api/hosts/" + wedged.hostId + "/reservation",
				Map.of("minutes", 240, "reason", "debugging the RMP hang")).status()).isEqualTo(201);

		clock.advance(Duration.ofMinutes(11));
		recovery.run();

		assertThat(cycles()).isEmpty();
		assertThat(timeline(wedged).get(0).get("summary").asString())
			.startsWith("silent while it had work, not power-cycled: it is reserved by admin until ");
	}

	@Test
	void neverCyclesAHostWithoutPowerSettings() throws Exception {
		HttpAgent wedged = hostThatLostItsJob("wedged-r4", false);

		clock.advance(Duration.ofMinutes(11));
		recovery.run();

		assertThat(timeline(wedged).get(0).get("summary").asString())
			.isEqualTo("silent while it had work, not power-cycled: it has no power settings");
	}

	@Test
	void theDailyBoundOfAutomaticCyclesHolds() throws Exception {
		HttpAgent wedged = hostThatLostItsJob("wedged-r5", true);
		// Two automatic cycles earlier today (the host came back after each), as recovery records them.
		java.time.Instant now = clock.instant();
		clock.set(now.minus(Duration.ofHours(3)));
		history.record(wedged.hostId, "power-cycle", HostHistory.SNPLAB, "power cycle: done", "silent", null);
		clock.set(now.minus(Duration.ofHours(2)));
		history.record(wedged.hostId, "power-cycle", HostHistory.SNPLAB, "power cycle: done", "silent", null);
		clock.set(now);

		clock.advance(Duration.ofMinutes(11));
		recovery.run();

		assertThat(cycles()).isEmpty();
		assertThat(timeline(wedged).valueStream().map(e -> e.get("summary").asString()))
			.contains("silent while it had work, not power-cycled: it was power-cycled automatically 2 time(s) in 24 hours"
					+ " (snplab.power.max-cycles-per-day)");
	}

	@Test
	void aRestartedServerGivesAgentsOneRecoverAfterToComeBackFirst() throws Exception {
		hostThatLostItsJob("wedged-r6", true);
		clock.advance(Duration.ofMinutes(11));
		Recovery restarted = new Recovery(clock, properties, actions, hosts, hostHealth, heartbeats, hostJobs, quarantine,
				history, notifications, healthChecks);

		restarted.run();
		assertThat(cycles()).as("just started: its agents could not reach it while it was down").isEmpty();

		clock.advance(Duration.ofMinutes(10));
		restarted.run();
		assertThat(cycles()).containsExactly("cycle wedged-r6");
	}

	/** A host whose agent took a job and then stopped heartbeating: its lease expired and the attempt was lost. */
	private HttpAgent hostThatLostItsJob(String name, boolean withPowerSettings) throws Exception {
		HttpAgent agent = new HttpAgent(baseUrl(), name, Map.of());
		if (withPowerSettings) {
			assertThat(admin().put("/api/hosts/" + agent.hostId + "/power", Map.of("driver", "command", "command",
					pdu.toString())).status()).isEqualTo(200);
		}
		runs.queue(new RunService.Origin("file:///repo", "main", "d".repeat(40), "api"),
				PipelineParser.parse("jobs: { build: { steps: [ make ] } }"));
		assertThat(agent.poll()).isNotNull();
		Eventually.await(Duration.ofSeconds(30), "the job's lease to expire on " + name,
				() -> db.sql("select count(*) from job_attempt where host_id = ? and result = 'infra_error'")
					.param(agent.hostId).query(Integer.class).single(),
				count -> count > 0);
		return agent;
	}

	private List<String> cycles() throws IOException {
		Path calls = dir.resolve("calls");
		return Files.exists(calls) ? Files.readAllLines(calls).stream().filter(line -> line.startsWith("cycle")).toList()
				: List.of();
	}

	private JsonNode timeline(HttpAgent agent) {
		return admin().get("/api/hosts/" + agent.hostId + "/history").json();
	}

	private String state(HttpAgent agent) {
		return admin().get("/api/hosts/" + agent.hostId).json().get("state").asString();
	}
}
