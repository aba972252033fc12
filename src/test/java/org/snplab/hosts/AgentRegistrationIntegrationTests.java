package org.snplab.hosts;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

class AgentRegistrationIntegrationTests extends ServerIntegrationTest {

	@Test
	void registeredAgentGetsCredentialStoredOnlyAsHash() {
		HttpApi.Response response = HttpApi.bearer(baseUrl(), REGISTRATION_TOKEN)
			.post("/api/agent/register", Map.of("name", "milan-1", "slots", 2, "labels", Map.of("coconut", ""),
					"facts", Map.of("cpu.generation", "milan", "sev_snp", "true")));

		assertThat(response.status()).isEqualTo(200);
		String credential = response.json().get("credential").asString();
		assertThat(credential).hasSizeGreaterThan(30);
		String stored = db.sql("select token_hash from host where name = 'milan-1'").query(String.class).single();
		assertThat(stored).isNotEqualTo(credential).hasSize(64);
		assertThat(db.sql("select facts->>'cpu.generation' from host").query(String.class).single()).isEqualTo("milan");
	}

	@Test
	void wrongRegistrationTokenIsRefusedWithReason() {
		HttpApi.Response response = HttpApi.bearer(baseUrl(), "guess")
			.post("/api/agent/register", Map.of("name", "intruder", "slots", 1));

		assertThat(response.status()).isEqualTo(401);
		assertThat(response.json().get("detail").asString()).contains("registration token rejected");
		assertThat(db.sql("select count(*) from host").query(Integer.class).single()).isZero();
	}

	@Test
	void unknownCredentialIsRefusedOnEveryAgentCall() {
		HttpApi stranger = HttpApi.bearer(baseUrl(), "not-a-credential");

		assertThat(stranger.post("/api/agent/heartbeat", Map.of("facts", Map.of())).status()).isEqualTo(401);
		assertThat(stranger.post("/api/agent/poll", Map.of("slot", 0, "waitSeconds", 0)).status()).isEqualTo(401);
		assertThat(stranger.postText("/api/agent/jobs/1/log?attempt=1&seq=0", "x").status()).isEqualTo(401);
		assertThat(stranger.post("/api/agent/heartbeat", Map.of()).json().get("detail").asString())
			.contains("unknown host credential");
	}

	@Test
	void malformedJsonIsA400ThatSaysSo() {
		HttpApi.Response response = HttpApi.bearer(baseUrl(), REGISTRATION_TOKEN).post("/api/agent/register", "{\"name\": ");

		assertThat(response.status()).isEqualTo(400);
		assertThat(response.json().get("detail").asString()).contains("not valid JSON");
	}

	@Test
	void heartbeatUpdatesFactsAndAnswersHostState() {
		String credential = HttpApi.bearer(baseUrl(), REGISTRATION_TOKEN)
			.post("/api/agent/register", Map.of("name", "genoa-1", "facts", Map.of("qemu.version", "8.2.0")))
			.json().get("credential").asString();

		HttpApi.Response response = HttpApi.bearer(baseUrl(), credential)
			.post("/api/agent/heartbeat", Map.of("facts", Map.of("qemu.version", "11.0.1"), "slots", 1));

		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json().get("state").asString()).isEqualTo("online");
		assertThat(db.sql("select facts->>'qemu.version' from host").query(String.class).single()).isEqualTo("11.0.1");
	}
}
