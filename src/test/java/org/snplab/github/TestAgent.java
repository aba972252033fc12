package org.snplab.github;

import java.util.Map;

import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import tools.jackson.databind.JsonNode;

/** A host agent driven by hand through the real agent HTTP API. */
final class TestAgent {

	private final HttpApi api;

	private TestAgent(HttpApi api) {
		this.api = api;
	}

	static TestAgent register(String baseUrl, String name) {
		HttpApi.Response response = HttpApi.bearer(baseUrl, ServerIntegrationTest.REGISTRATION_TOKEN)
			.post("/api/agent/register", Map.of("name", name, "slots", 1));
		if (response.status() != 200) {
			throw new AssertionError("register answered " + response.status() + ": " + response.body());
		}
		return new TestAgent(HttpApi.bearer(baseUrl, response.json().get("credential").asString()));
	}

	/** The claimed job, or null when the server has nothing for us (204). */
	JsonNode poll() {
		HttpApi.Response response = api.post("/api/agent/poll", Map.of("slot", 0, "waitSeconds", 0));
		if (response.status() == 204) {
			return null;
		}
		if (response.status() != 200) {
			throw new AssertionError("poll answered " + response.status() + ": " + response.body());
		}
		return response.json();
	}

	void finish(JsonNode job, String result, String reason, int exitCode) {
		HttpApi.Response response = api.post("/api/agent/jobs/" + job.get("jobId").asLong() + "/finish?attempt="
				+ job.get("attempt").asInt(), Map.of("result", result, "reason", reason, "exitCode", exitCode));
		if (response.status() != 200) {
			throw new AssertionError("finish answered " + response.status() + ": " + response.body());
		}
	}
}
