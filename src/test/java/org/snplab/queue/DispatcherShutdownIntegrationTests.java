package org.snplab.queue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.snplab.support.Eventually;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server shutting down hands its parked polls back at once, so their agents poll another instance instead of
 * holding this one's graceful shutdown open for the rest of a 25 s wait.
 */
class DispatcherShutdownIntegrationTests extends ServerIntegrationTest {

	@Autowired
	Dispatcher dispatcher;

	@AfterEach
	void startAgain() {
		dispatcher.start();
	}

	@Test
	void stoppingAnswersParkedPollsAtOnceAndParksNoNewOne() throws Exception {
		String credential = HttpApi.bearer(baseUrl(), REGISTRATION_TOKEN)
			.post("/api/agent/register", Map.of("name", "parked-1", "slots", 1)).json().get("credential").asString();
		HttpApi agent = HttpApi.bearer(baseUrl(), credential);
		CompletableFuture<HttpApi.Response> parked = CompletableFuture
			.supplyAsync(() -> agent.post("/api/agent/poll", Map.of("slot", 0, "waitSeconds", 50)));
		Eventually.await(Duration.ofSeconds(20), "the poll parked", () -> db.sql(
				"select count(*) from slot_poll where ready_until > now()").query(Integer.class).single(), n -> n > 0);
		assertThat(parked).isNotDone();

		dispatcher.stop();

		assertThat(parked.get(10, TimeUnit.SECONDS).status()).as("answered long before its 50 s").isEqualTo(204);
		long before = System.nanoTime();
		assertThat(agent.post("/api/agent/poll", Map.of("slot", 0, "waitSeconds", 50)).status()).isEqualTo(204);
		assertThat(Duration.ofNanos(System.nanoTime() - before)).as("not parked while stopping")
			.isLessThan(Duration.ofSeconds(10));
	}
}
