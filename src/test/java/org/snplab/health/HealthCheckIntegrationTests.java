package org.snplab.health;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.snplab.hosts.HostHealth;
import org.snplab.hosts.HostHeartbeats;
import org.snplab.pipeline.JobSpec;
import org.snplab.pipeline.Pipeline;
import org.snplab.pipeline.Requirements;
import org.snplab.pipeline.Triggers;
import org.snplab.queue.RunService;
import org.snplab.support.HttpAgent;
import org.snplab.support.HttpApi;
import org.snplab.support.Prometheus;
import org.snplab.support.ServerIntegrationTest;
import org.snplab.support.SettableClock;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hosts' health checks against a real server on real PostgreSQL, agents speaking real HTTP, the clock moved by hand:
 * a new host waits for its first check; a pass makes it good, a failure bad (no jobs but its next check); checks
 * come on an interval, when a host comes back online and when an admin puts it back; facts that change for the
 * worse make a host bad at once; bad hosts count toward the quarantine cap.
 */
@Import(SettableClock.Config.class)
@TestPropertySource(properties = { "snplab.health.enabled=true", "snplab.health.check-new-hosts=true",
		"snplab.health.steps=true" })
class HealthCheckIntegrationTests extends ServerIntegrationTest {

	private static final Map<String, String> SNP = Map.of("sev_snp", "true", "snp.status", "enabled", "snp.firmware", "1.55.21");

	@Autowired
	HealthChecks checks;

	@Autowired
	SettableClock clock;

	@Autowired
	RunService runs;

	@Autowired
	HostHeartbeats heartbeats;

	@Autowired
	HostHealth hostHealth;

	@AfterEach
	void realTimeAgain() {
		clock.reset();
	}

	@Test
	void aNewHostTakesNoJobUntilItsFirstCheckPassed() {
		HttpAgent agent = new HttpAgent(baseUrl(), "milan-1", SNP);
		long buildRun = queueJob("build");
		assertThat(health(agent).get("state").asString()).isEqualTo("unknown");
		assertThat(health(agent).get("takesJobs").asBoolean()).isFalse();
		assertThat(anonymous().get("/api/runs/" + buildRun).json().get("jobs").get(0).get("waiting").asString())
			.isEqualTo("waiting: every matching host is bad or not checked yet; milan-1: waiting for its first health check");
		assertThat(Prometheus.scrape(baseUrl()).valueOrZero("snplab_jobs_unmatched", ""))
			.as("a health check is not a job no host matches").isZero();

		JsonNode check = agent.poll();
		assertThat(check.get("name").asString()).as("the check comes first").isEqualTo("health-check");
		assertThat(check.get("steps").get(0).asString()).isEqualTo("true");
		assertThat(why(check)).isEqualTo("new host");
		agent.finish(check, "passed", "", 0);

		JsonNode health = health(agent);
		assertThat(health.get("state").asString()).isEqualTo("good");
		assertThat(health.get("job").asLong()).isEqualTo(check.get("jobId").asLong());
		assertThat(health.get("checkedAt").isNull()).isFalse();
		assertThat(agent.poll().get("name").asString()).as("now it takes jobs").isEqualTo("build");
		assertThat(db.sql("select count(*) from fair_share_usage where share = 'repository:'").query(Integer.class).single())
			.as("a check is nobody's fair share").isZero();
		assertThat(db.sql("select count(*) from github_status").query(Integer.class).single()).isZero();
		assertThat(db.sql("select priority_class from job where id = ?").param(check.get("jobId").asLong())
			.query(String.class).single()).isEqualTo("health");
		long checkRun = check.get("runId").asLong();
		for (String page : List.of("/", "/runs", "/runs/" + checkRun, "/jobs/" + check.get("jobId").asLong(), "/hosts",
				"/api/runs/" + checkRun, "/api/queue")) {
			assertThat(anonymous().get(page).status()).as(page).isEqualTo(200);
		}
		HttpApi.Response retry = admin().post("/api/runs/" + checkRun + "/retry", Map.of());
		assertThat(retry.status()).isEqualTo(400);
		assertThat(retry.body()).contains("is a host's health check");
	}

	@Test
	void aFailedCheckMakesTheHostBadWithTheReasonAndLinkToItsLog() {
		HttpAgent a = checkedHost("genoa-1");
		HttpAgent b = checkedHost("genoa-2");
		checkedHost("genoa-3");
		checkedHost("genoa-4");

		HttpApi.Response asked = admin().post("/api/hosts/" + a.hostId + "/health-check", Map.of());
		assertThat(asked.status()).as(asked.body()).isEqualTo(202);
		assertThat(admin().post("/api/hosts/" + a.hostId + "/health-check", Map.of()).json().get("job").asLong())
			.as("one check at a time").isEqualTo(asked.json().get("job").asLong());
		JsonNode check = a.poll();
		assertThat(check.get("jobId").asLong()).isEqualTo(asked.json().get("job").asLong());
		a.finish(check, "failed", "step 1 exited with 1", 1);

		JsonNode health = health(a);
		assertThat(health.get("state").asString()).isEqualTo("bad");
		assertThat(health.get("reason").asString()).isEqualTo("health check failed: step 1 exited with 1 (job "
				+ check.get("jobId").asLong() + ")");
		assertThat(health.get("takesJobs").asBoolean()).isFalse();
		assertThat(anonymous().get("/hosts/" + a.hostId).body()).contains("health check failed: step 1 exited with 1",
				"/jobs/" + check.get("jobId").asLong());
		assertThat(anonymous().get("/hosts").body()).contains("<span class=\"health bad\" title=\"health check failed");

		queueJob("build");
		assertThat(a.poll()).as("a bad host takes no job").isNull();
		assertThat(b.poll().get("name").asString()).isEqualTo("build");

		checks.request(a.hostId, "asked by test");
		JsonNode again = a.poll();
		assertThat(again.get("name").asString()).as("but its own check").isEqualTo("health-check");
		a.finish(again, "passed", "", 0);
		assertThat(health(a).get("state").asString()).isEqualTo("good");
		assertThat(anonymous().get("/api/hosts/" + a.hostId + "/history").body())
			.as("its timeline").contains("bad: takes no job but its health check", "good: its health check passed");
	}

	@Test
	void aTimedOutOrLostCheckMakesTheHostBadToo() {
		HttpAgent a = checkedHost("turin-1");
		checkedHost("turin-2");
		checkedHost("turin-3");
		checks.request(a.hostId, "asked by test");
		JsonNode check = a.poll();

		a.finish(check, "infra_error", "steps can't run: no space left on device", 75);

		assertThat(db.sql("select state || ' ' || result from job where id = ?").param(check.get("jobId").asLong())
			.query(String.class).single()).as("tried once, not retried").isEqualTo("finished infra_error");
		assertThat(health(a).get("state").asString()).isEqualTo("bad");
		assertThat(health(a).get("reason").asString()).startsWith("health check infra error: steps can't run");
	}

	@Test
	void theIntervalQueuesANewCheck() {
		HttpAgent agent = checkedHost("milan-2");
		assertThat(checks.queueDue()).isZero();

		// Quartz sweeps every minute too, with the same clock: the tests count checks, not who queued them.
		clock.advance(Duration.ofHours(23));
		checks.queueDue();
		assertThat(pendingChecks(agent)).as("not due yet").isZero();
		clock.advance(Duration.ofHours(2));
		checks.queueDue();
		assertThat(pendingChecks(agent)).isEqualTo(1);
		checks.queueDue();
		assertThat(pendingChecks(agent)).as("queued once").isEqualTo(1);

		JsonNode check = agent.poll();
		assertThat(check.get("name").asString()).isEqualTo("health-check");
		assertThat(why(check)).isEqualTo("every 24h");
	}

	@Test
	void aHostNeverCheckedIsCheckedAtTheNextSweep() {
		HttpAgent agent = new HttpAgent(baseUrl(), "milan-5", SNP);
		// As a host registered before health checks existed: unknown, with no check queued.
		db.sql("delete from health_check").update();
		db.sql("update job set state = 'finished', result = 'canceled' where state = 'queued'").update();

		checks.queueDue();
		assertThat(pendingChecks(agent)).isEqualTo(1);
		JsonNode check = agent.poll();
		assertThat(check.get("name").asString()).isEqualTo("health-check");
		assertThat(why(check)).isEqualTo("never checked");
	}

	@Test
	void comingBackOnlineQueuesACheck() {
		HttpAgent agent = checkedHost("milan-3");
		heartbeats.markOffline(agent.hostId);

		assertThat(agent.heartbeat(SNP, Map.of())).isEqualTo(200);

		JsonNode check = agent.poll();
		assertThat(check.get("name").asString()).isEqualTo("health-check");
		assertThat(why(check)).isEqualTo("back online");
		assertThat(agent.heartbeat(SNP, Map.of())).isEqualTo(200);
		assertThat(db.sql("select count(*) from health_check where host_id = ?").param(agent.hostId).query(Integer.class)
			.single()).as("an online host's heartbeat queues nothing").isEqualTo(2);
	}

	@Test
	void aHostPowerCycledByRecoveryTakesNoJobUntilItsCheckAfterItCameBackPassed() {
		HttpAgent agent = checkedHost("milan-9");
		queueJob("build");
		hostHealth.awaitCheck(agent.hostId, "power-cycled by snplab (silent for 11 min while it had work): takes no job "
				+ "until a health check passes");
		heartbeats.markOffline(agent.hostId);

		assertThat(health(agent).get("state").asString()).isEqualTo("unknown");
		assertThat(health(agent).get("takesJobs").asBoolean()).isFalse();
		assertThat(agent.heartbeat(SNP, Map.of())).isEqualTo(200);
		JsonNode check = agent.poll();
		assertThat(check.get("name").asString()).as("its check first, not the waiting job").isEqualTo("health-check");
		agent.finish(check, "passed", "", 0);

		assertThat(health(agent).get("state").asString()).isEqualTo("good");
		assertThat(agent.poll().get("name").asString()).isEqualTo("build");
	}

	@Test
	void anAdminPuttingTheHostBackInServiceQueuesACheck() {
		HttpAgent agent = checkedHost("milan-4");
		admin().post("/api/hosts/" + agent.hostId + "/maintenance", Map.of());
		admin().post("/api/hosts/" + agent.hostId + "/activate", Map.of());

		JsonNode check = agent.poll();
		assertThat(check.get("name").asString()).isEqualTo("health-check");
		assertThat(why(check)).isEqualTo("put back in service");
	}

	@Test
	void factsThatChangeForTheWorseMakeTheHostBadWithinTheCap() {
		HttpAgent a = checkedHost("rome-1");
		HttpAgent b = checkedHost("rome-2");
		HttpAgent c = checkedHost("rome-3");
		checkedHost("rome-4");

		a.heartbeat(Map.of("sev_snp", "false", "snp.status", "kvm_amd sev_snp=N", "snp.firmware", "1.55.21"), Map.of());
		assertThat(health(a).get("state").asString()).isEqualTo("bad");
		assertThat(health(a).get("reason").asString())
			.isEqualTo("SNP turned off: sev_snp was true, now false (kvm_amd sev_snp=N)");
		assertThat(health(a).get("job").isNull()).isTrue();

		b.heartbeat(Map.of("sev_snp", "true", "snp.status", "enabled", "snp.firmware", "1.55.8"), Map.of());
		assertThat(health(b).get("reason").asString())
			.isEqualTo("SNP firmware downgraded: snp.firmware was 1.55.21, now 1.55.8");
		assertThat(health(b).get("takesJobs").asBoolean()).isFalse();
		Prometheus metrics = Prometheus.scrape(baseUrl());
		assertThat(metrics.value("snplab_hosts_health", "health=\"bad\"")).isEqualTo(2.0);
		assertThat(metrics.value("snplab_hosts_health", "health=\"good\"")).isEqualTo(2.0);

		// 2 of 4 are out: 30% rounded up. A third failing check is past the cap: the host stays in service.
		checks.request(c.hostId, "asked by test");
		JsonNode check = c.poll();
		c.finish(check, "failed", "step 1 exited with 1", 1);
		assertThat(health(c).get("state").asString()).isEqualTo("bad");
		assertThat(health(c).get("takesJobs").asBoolean()).as("kept in service by the cap").isTrue();
		assertThat(anonymous().get("/").body()).contains("quarantine stopped: 2 of 4 hosts already out", "rome-3",
				"health check failed");
		queueJob("build");
		assertThat(c.poll().get("name").asString()).isEqualTo("build");
	}

	@Test
	void theLastGoodHostStaysInServiceWhenItsCheckFailsButANewHostFailingItsFirstDoesNot() {
		HttpAgent only = checkedHost("naples-1");
		checks.request(only.hostId, "asked by test");
		only.finish(only.poll(), "failed", "step 1 exited with 1", 1);
		assertThat(health(only).get("state").asString()).isEqualTo("bad");
		assertThat(health(only).get("takesJobs").asBoolean()).as("never the last good host").isTrue();

		HttpAgent fresh = new HttpAgent(baseUrl(), "naples-2", SNP);
		fresh.finish(fresh.poll(), "failed", "step 1 exited with 1", 1);
		assertThat(health(fresh).get("takesJobs").asBoolean()).as("it was never in service").isFalse();
	}

	private HttpAgent checkedHost(String name) {
		HttpAgent agent = new HttpAgent(baseUrl(), name, SNP);
		JsonNode check = agent.poll();
		assertThat(check.get("name").asString()).isEqualTo("health-check");
		agent.finish(check, "passed", "", 0);
		return agent;
	}

	private long queueJob(String name) {
		JobSpec job = new JobSpec(name, Requirements.none(), Duration.ofMinutes(5), 0, Map.of(), List.of("true"),
				List.of(), List.of());
		return runs.queue(new RunService.Origin("file:///svsm", "main", "a".repeat(40), "api"),
				new Pipeline(new Triggers(null, null, List.of()), List.of(job)));
	}

	private int pendingChecks(HttpAgent agent) {
		return db.sql("select count(*) from health_check c join job j on j.id = c.job_id where c.host_id = ? and j.state <> 'finished'")
			.param(agent.hostId)
			.query(Integer.class)
			.single();
	}

	private String why(JsonNode check) {
		return db.sql("select why from health_check where job_id = ?").param(check.get("jobId").asLong())
			.query(String.class).single();
	}

	private JsonNode health(HttpAgent agent) {
		return anonymous().get("/api/hosts/" + agent.hostId).json().get("health");
	}

	private HttpApi admin() {
		return HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD);
	}

	private HttpApi anonymous() {
		return HttpApi.anonymous(baseUrl());
	}
}
