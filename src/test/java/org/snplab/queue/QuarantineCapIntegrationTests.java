package org.snplab.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.snplab.hosts.QuarantineStopped;
import org.snplab.pipeline.JobSpec;
import org.snplab.pipeline.Requirement;
import org.snplab.pipeline.Requirements;
import org.snplab.support.HttpAgent;
import org.snplab.support.HttpApi;
import org.snplab.support.Prometheus;
import org.snplab.support.ServerIntegrationTest;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Automatic quarantine never takes more than {@code snplab.health.max-unhealthy} (30%, rounded up) of the enabled
 * hosts, nor the last good one: past that, failing hosts stay in service, and a banner, a metric and an event say so.
 */
class QuarantineCapIntegrationTests extends ServerIntegrationTest {

	/** Every test server's events, kept by the listener added once; each test looks at its own. */
	private static final List<QuarantineStopped> EVENTS = new CopyOnWriteArrayList<>();

	private static boolean listening;

	@Autowired
	RunService runs;

	@Autowired
	ConfigurableApplicationContext context;

	@BeforeEach
	void listen() {
		synchronized (EVENTS) {
			if (!listening) {
				context.addApplicationListener((ApplicationListener<ApplicationEvent>) event -> {
					if (event instanceof PayloadApplicationEvent<?> payload && payload.getPayload() instanceof QuarantineStopped stopped) {
						EVENTS.add(stopped);
					}
				});
				listening = true;
			}
			EVENTS.clear();
		}
	}

	@Test
	void pastTheCapAFailingHostStaysInServiceAndTheDashboardSaysWhy() {
		HttpAgent a = host("milan-1");
		HttpAgent b = host("milan-2");
		HttpAgent c = host("milan-3");
		HttpAgent healthy = host("milan-4");
		double stoppedBefore = Prometheus.scrape(baseUrl()).valueOrZero("snplab_quarantine_stopped_total", "");

		failThreeTimes(a);
		failThreeTimes(b);
		assertThat(state(a)).isEqualTo("quarantined");
		assertThat(state(b)).as("2 of 4: 30% rounded up").isEqualTo("quarantined");
		assertThat(anonymous().get("/").body()).doesNotContain("quarantine stopped");

		failThreeTimes(c);
		assertThat(state(c)).as("a third would be past the cap").isEqualTo("online");
		assertThat(c.poll()).as("it keeps taking work").isNotNull();
		assertThat(anonymous().get("/").body()).contains("quarantine stopped: 2 of 4 hosts already out — a broken test, kernel or firmware?",
				"milan-3", "its last 3 attempts ended in infra_error");
		assertThat(anonymous().get("/hosts").body()).contains("quarantine stopped: 2 of 4 hosts already out");
		Prometheus metrics = Prometheus.scrape(baseUrl());
		assertThat(metrics.value("snplab_hosts_quarantine_stopped", "")).isEqualTo(1.0);
		assertThat(metrics.value("snplab_quarantine_stopped_total", "")).isEqualTo(stoppedBefore + 1);
		assertThat(EVENTS).singleElement().satisfies(event -> {
			assertThat(event.hostName()).isEqualTo("milan-3");
			assertThat(event.out()).isEqualTo(2);
			assertThat(event.enabled()).isEqualTo(4);
			assertThat(event.reason()).contains("infra_error");
		});

		JsonNode next = c.poll();
		c.finish(next, "infra_error", "step could not start", 75);
		assertThat(EVENTS).as("told once while the host stays failing").hasSize(1);

		c.finish(c.poll(), "passed", "", 0);
		assertThat(anonymous().get("/").body()).as("its streak ended").doesNotContain("quarantine stopped");
		assertThat(Prometheus.scrape(baseUrl()).value("snplab_hosts_quarantine_stopped", "")).isEqualTo(0.0);
		healthy.finish(healthy.poll(), "passed", "", 0);
	}

	@Test
	void theLastGoodHostIsNeverQuarantined() {
		HttpAgent only = host("only-1");

		failThreeTimes(only);

		assertThat(state(only)).isEqualTo("online");
		assertThat(EVENTS).singleElement().satisfies(event -> assertThat(event.out()).isZero());
		assertThat(anonymous().get("/").body()).contains("quarantine stopped: 0 of 1 hosts already out");
	}

	@Test
	void anAdminPuttingAHostBackLetsTheNextFailingOneOut() {
		HttpAgent a = host("genoa-1");
		HttpAgent b = host("genoa-2");
		host("genoa-3");

		failThreeTimes(a);
		assertThat(state(a)).as("1 of 3: 30% rounded up").isEqualTo("quarantined");
		failThreeTimes(b);
		assertThat(state(b)).isEqualTo("online");

		admin().post("/api/hosts/" + a.hostId + "/activate", Map.of());
		b.finish(b.poll(), "infra_error", "step could not start: kernel oops", 75);
		assertThat(state(b)).as("the cap has room again: its next infra error takes it out").isEqualTo("quarantined");
	}

	private void failThreeTimes(HttpAgent agent) {
		for (int i = 0; i < 3; i++) {
			JsonNode job = agent.poll();
			assertThat(job).as("a job for " + agent.hostId + " to fail").isNotNull();
			agent.finish(job, "infra_error", "step could not start: kernel oops", 75);
		}
	}

	/**
	 * A host with ten jobs only it can run: a job that ended in infra_error is retried on it again (no other host
	 * matches), so the failing host always has work to fail.
	 */
	private HttpAgent host(String name) {
		HttpAgent agent = new HttpAgent(baseUrl(), name, Map.of("board", name));
		List<JobSpec> jobs = new ArrayList<>();
		IntStream.range(0, 10).forEach(i -> jobs.add(Pipelines.job(name + "-job-" + i, 0,
				new Requirements(List.of(Pipelines.fact("board", Requirement.Op.EQ, name)), List.of()))));
		runs.queue(new RunService.Origin("file:///repo", "main", "a".repeat(40), "api"), Pipelines.of(jobs.toArray(JobSpec[]::new)));
		return agent;
	}

	private String state(HttpAgent agent) {
		return anonymous().get("/api/hosts/" + agent.hostId).json().get("state").asString();
	}

	private HttpApi admin() {
		return HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD);
	}

	private HttpApi anonymous() {
		return HttpApi.anonymous(baseUrl());
	}
}
