package org.snplab.queue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.snplab.SnplabApplication;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import org.snplab.support.TestRepositories;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

/** Two server instances on one database, as behind a load balancer: agents polling either never share a job. */
class TwoServerInstancesIntegrationTests extends ServerIntegrationTest {

	@Autowired
	Environment environment;

	ConfigurableApplicationContext second;

	@BeforeEach
	void startSecondInstance() throws Exception {
		second = new SpringApplicationBuilder(SnplabApplication.class).run("--server.port=0",
				"--spring.datasource.url=" + environment.getProperty("spring.datasource.url"),
				"--snplab.data-dir=" + Files.createTempDirectory("snplab-second"),
				// Uploaded files are shared by the instances (as on an NFS mount), which each checks at start.
				"--snplab.artifacts.dir=" + java.nio.file.Path.of(environment.getProperty("snplab.data-dir"), "artifacts"),
				"--snplab.agent.registration-token=" + REGISTRATION_TOKEN, "--snplab.queue.poll-sweep=10m",
				// In one JVM, Quartz's registries are keyed by scheduler name; separate processes would share it.
				"--spring.quartz.scheduler-name=second-instance",
				"--spring.datasource.hikari.maximum-pool-size=10", "--spring.datasource.hikari.minimum-idle=1",
				"--SNPLAB_ADMIN_PASSWORD=" + ADMIN_PASSWORD);
	}

	@AfterEach
	void stopSecondInstance() {
		second.close();
	}

	@Test
	void agentsPollingBothInstancesNeverShareAJob() throws Exception {
		String secondUrl = "http://127.0.0.1:" + ((WebServerApplicationContext) second).getWebServer().getPort();
		String pipeline = "jobs:\n" + IntStream.range(0, 100).mapToObj(i -> "  job-" + i + ": { steps: [ \"true\" ] }\n")
			.reduce("", String::concat);
		List<HttpApi> agents = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			String url = i % 2 == 0 ? baseUrl() : secondUrl;
			String credential = HttpApi.bearer(url, REGISTRATION_TOKEN)
				.post("/api/agent/register", Map.of("name", "host-" + i)).json().get("credential").asString();
			agents.add(HttpApi.bearer(url, credential));
		}
		submit(pipeline);

		Set<Long> claimed = ConcurrentHashMap.newKeySet();
		List<Long> duplicates = new CopyOnWriteArrayList<>();
		ExecutorService threads = Executors.newFixedThreadPool(agents.size());
		List<Future<?>> done = new ArrayList<>();
		for (HttpApi agent : agents) {
			done.add(threads.submit(() -> {
				HttpApi.Response poll;
				while ((poll = agent.post("/api/agent/poll", Map.of("slot", 0, "waitSeconds", 0))).status() == 200) {
					JsonNode job = poll.json();
					if (!claimed.add(job.get("jobId").asLong())) {
						duplicates.add(job.get("jobId").asLong());
					}
					agent.post("/api/agent/jobs/" + job.get("jobId").asLong() + "/finish?attempt=" + job.get("attempt").asInt(),
							Map.of("result", "passed"));
				}
			}));
		}
		for (Future<?> future : done) {
			future.get(120, TimeUnit.SECONDS);
		}
		threads.shutdown();

		assertThat(duplicates).isEmpty();
		assertThat(claimed).hasSize(100);
		assertThat(db.sql("select count(*) from job_attempt").query(Integer.class).single()).isEqualTo(100);
	}

	@Test
	void pollParkedOnOneInstanceIsWokenByAJobQueuedThroughTheOther() throws Exception {
		String secondUrl = "http://127.0.0.1:" + ((WebServerApplicationContext) second).getWebServer().getPort();
		String credential = HttpApi.bearer(secondUrl, REGISTRATION_TOKEN)
			.post("/api/agent/register", Map.of("name", "parked")).json().get("credential").asString();
		ExecutorService thread = Executors.newSingleThreadExecutor();
		// The parked poll can only end early through NOTIFY: the safety-net sweep is set to 10 minutes.
		Future<HttpApi.Response> parked = thread.submit(() -> HttpApi.bearer(secondUrl, credential)
			.post("/api/agent/poll", Map.of("slot", 0, "waitSeconds", 40)));
		Thread.sleep(1000); // let the poll park first; if it hadn't, it would claim at once, which is fine too

		submit("jobs:\n  woken: { steps: [ \"true\" ] }\n");

		HttpApi.Response response = parked.get(60, TimeUnit.SECONDS);
		thread.shutdown();
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json().get("name").asString()).isEqualTo("woken");
	}

	private void submit(String pipeline) throws Exception {
		TestRepositories repo = TestRepositories.init(Files.createTempDirectory("repo"));
		repo.commit("empty", Map.of("README", "x"));
		HttpApi.Response response = HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD)
			.post("/api/runs", Map.of("repository", repo.url(), "ref", "main", "pipeline", pipeline));
		assertThat(response.status()).as(response.body()).isEqualTo(201);
	}
}
