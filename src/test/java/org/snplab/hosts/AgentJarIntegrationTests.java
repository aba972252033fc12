package org.snplab.hosts;

import org.junit.jupiter.api.Test;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/** A server run from classes (the tests, an IDE) has no jar of its own to hand out, and says so. */
class AgentJarIntegrationTests extends ServerIntegrationTest {

	@Test
	void aServerNotRunFromAJarAnswers404SayingWhatToDo() {
		HttpApi.Response response = HttpApi.bearer(baseUrl(), REGISTRATION_TOKEN).get("/api/agent/snplab.jar");

		assertThat(response.status()).isEqualTo(404);
		assertThat(response.json().path("detail").asString()).contains("does not run from a jar", "snplab.agent.jar", "--jar");
		assertThat(HttpApi.bearer(baseUrl(), "wrong").get("/api/agent/snplab.jar").status()).isEqualTo(401);
	}
}
