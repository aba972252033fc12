package org.snplab.hosts;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.snplab.SnplabVersion;
import org.snplab.agent.api.AgentApi;
import org.snplab.protocol.AgentProtocol.RegisterRequest;
import org.snplab.agent.probe.HostProbe;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The agent protocol is versioned: an agent the server can't serve is told what to upgrade; versions are shown. */
class AgentProtocolIntegrationTests extends ServerIntegrationTest {

	@Test
	void anAgentOfAnOlderOrNewerProtocolGets426SayingWhatToUpgrade() throws Exception {
		HttpResponse<String> old = register("0", "0.0.1");
		assertThat(old.statusCode()).isEqualTo(426);
		assertThat(JsonMapper.builder().build().readTree(old.body()).get("detail").asString())
			.contains("this agent (snplab 0.0.1) speaks agent protocol 0").contains("upgrade the agent")
			.contains("deploy/agent/install.sh");

		HttpResponse<String> newer = register(Integer.toString(SnplabVersion.AGENT_PROTOCOL + 1), "9.0");
		assertThat(newer.statusCode()).isEqualTo(426);
		assertThat(newer.body()).contains("the agent is newer than the server");

		assertThat(register("one", "x").statusCode()).isEqualTo(400);
		assertThat(register(null, null).statusCode()).as("agents from before the version header").isEqualTo(200);
		assertThat(register(Integer.toString(SnplabVersion.AGENT_PROTOCOL), SnplabVersion.current()).statusCode()).isEqualTo(200);
	}

	@Test
	void theAgentsVersionIsReportedWithItsFactsAndTheHostPageShowsBoth() throws Exception {
		Map<String, String> facts = new HostProbe(java.nio.file.Path.of("/nonexistent-root")).probe();
		assertThat(facts).containsEntry("agent.version", SnplabVersion.current());
		long id = new AgentApi(URI.create(baseUrl()), REGISTRATION_TOKEN)
			.register(new RegisterRequest("genoa-1", 1, Map.of(), facts)).hostId();

		String page = HttpApi.anonymous(baseUrl()).get("/hosts/" + id).body();

		assertThat(SnplabVersion.current()).isNotEqualTo("unknown");
		assertThat(page).contains("agent " + SnplabVersion.current() + ", server " + SnplabVersion.current());
	}

	private HttpResponse<String> register(String protocol, String version) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + "/api/agent/register"))
			.header("Authorization", "Bearer " + REGISTRATION_TOKEN)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"host-" + System.nanoTime() + "\", \"slots\": 1}"));
		if (protocol != null) {
			request.header(SnplabVersion.PROTOCOL_HEADER, protocol);
		}
		if (version != null) {
			request.header(SnplabVersion.VERSION_HEADER, version);
		}
		return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
	}
}
