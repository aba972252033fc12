package org.snplab.endtoend;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.support.AgentProcess;
import org.snplab.support.Eventually;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import org.snplab.support.TestRepositories;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real agents run real shell steps that call snplab-send and snplab-wait: the two roles of a gang find each other
 * through their agents and the server, while the steps hold only a per-job token that nothing else accepts.
 */
class RendezvousEndToEndIntegrationTests extends ServerIntegrationTest {

	@TempDir
	Path temp;

	@Test
	void stepsOfTwoRolesOnTwoAgentsSendAndWaitAndNeverHoldTheAgentsCredential() throws Exception {
		TestRepositories repo = TestRepositories.init(temp.resolve("repo"));
		repo.commit("pipeline", Map.of(".snplab.yml", """
				jobs:
				  live-migration:
				    roles:
				      source:
				        steps:
				          - 'echo "rendezvous=$SNPLAB_RENDEZVOUS_URL $SNPLAB_RENDEZVOUS_TOKEN"'
				          - 'env'
				          - 'snplab-send greeting "hello from source ✓"'
				          - 'if SNPLAB_RENDEZVOUS_TOKEN=wrong snplab-send other x 2>err; then exit 1; fi; cat err'
				          - 'if snplab-send greeting changed 2>err; then exit 1; fi; cat err'
				      destination:
				        steps:
				          - 'value=$(snplab-wait source greeting --timeout 90); echo "got: $value"'
				          - 'if snplab-wait source never --timeout 1 2>err; then exit 1; fi; cat err'
				          - 'if snplab-wait sorce greeting 2>err; then exit 1; fi; cat err'
				  single:
				    steps:
				      - 'if snplab-send port 1 2>err; then exit 1; fi; cat err'
				"""));
		long runId = admin().post("/api/runs", Map.of("repository", repo.url(), "ref", "main")).json().get("id").asLong();

		try (AgentProcess milan = AgentProcess.startWithTokenInEnvironment(baseUrl(), REGISTRATION_TOKEN,
				temp.resolve("milan"), "milan-1");
				AgentProcess genoa = AgentProcess.start(baseUrl(), REGISTRATION_TOKEN, temp.resolve("genoa"), "genoa-1")) {
			JsonNode finished = Eventually.await(Duration.ofSeconds(120), "the run to finish",
					() -> anonymous().get("/api/runs/" + runId).json(),
					run -> !run.get("state").asString().matches("queued|running|waiting"));

			String source = log(finished, "live-migration/source");
			String destination = log(finished, "live-migration/destination");
			String single = log(finished, "single");
			assertThat(finished.get("state").asString()).as(source + destination + single).isEqualTo("passed");
			assertThat(destination).contains("got: hello from source ✓")
				.contains("snplab-wait: no never from source within 1 s")
				.contains("snplab-wait: live-migration has no role 'sorce'; its roles: destination, source");
			assertThat(source)
				.contains("snplab-send: wrong or missing token: give the job's SNPLAB_RENDEZVOUS_TOKEN")
				.contains("snplab-send: role source of live-migration already sent greeting in attempt 1 with another "
						+ "value (hello from source ✓); a key is sent once per attempt");
			assertThat(single).contains("snplab-send: job " + job(finished, "single").get("id").asLong()
					+ " (single) is not a multi-host job: snplab-send is for the roles of a pipeline job with roles:");

			// The steps' environment holds the rendezvous token, never the agent's credential or registration token.
			String milanCredential = credential(temp.resolve("milan"));
			String genoaCredential = credential(temp.resolve("genoa"));
			assertThat(milanCredential).isNotBlank();
			assertThat(genoaCredential).isNotBlank();
			assertThat(source + destination + single).doesNotContain(milanCredential)
				.doesNotContain(genoaCredential)
				.doesNotContain(REGISTRATION_TOKEN)
				.contains("SNPLAB_RENDEZVOUS_TOKEN=");

			Matcher rendezvous = Pattern.compile("rendezvous=(http\\S+) (\\S+)").matcher(source);
			assertThat(rendezvous.find()).as(source).isTrue();
			String url = rendezvous.group(1);
			String token = rendezvous.group(2);
			assertThat(url).startsWith("http://127.0.0.1:");
			// The token is no host credential: every agent endpoint refuses it.
			HttpApi withToken = HttpApi.bearer(baseUrl(), token);
			long sourceJob = job(finished, "live-migration/source").get("id").asLong();
			assertThat(withToken.post("/api/agent/poll", Map.of("slot", 0, "waitSeconds", 0)).status()).isEqualTo(401);
			assertThat(withToken.post("/api/agent/heartbeat", Map.of("facts", Map.of(), "labels", Map.of(), "slots", 1))
				.status()).isEqualTo(401);
			assertThat(withToken.post("/api/agent/jobs/" + sourceJob + "/send?attempt=1",
					Map.of("key", "k", "value", "v")).status()).isEqualTo(401);
			assertThat(withToken.post("/api/agent/jobs/" + sourceJob + "/heartbeat?attempt=1", "").status())
				.isEqualTo(401);
			assertThat(withToken.post("/api/agent/jobs/" + sourceJob + "/finish?attempt=1",
					Map.of("result", "passed", "reason", "")).status()).isEqualTo(401);
			assertThat(withToken.get("/api/agent/snplab.jar").status()).isEqualTo(401);
			// And it worked only while its job ran: the job's endpoint is closed.
			assertThatThrownBy(() -> HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create(url + "/send"))
					.header("Authorization", "Bearer " + token)
					.POST(HttpRequest.BodyPublishers.ofString("{\"key\": \"k\", \"value\": \"v\"}"))
					.build(), HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
		}
	}

	private String log(JsonNode run, String job) {
		return anonymous().get("/api/jobs/" + job(run, job).get("id").asLong() + "/log").body();
	}

	private static JsonNode job(JsonNode run, String name) {
		for (JsonNode job : run.get("jobs")) {
			if (job.get("name").asString().equals(name)) {
				return job;
			}
		}
		throw new AssertionError("no job " + name + " in " + run);
	}

	private static String credential(Path workDir) throws IOException {
		return JsonMapper.builder().build().readTree(Files.readString(workDir.resolve("credential.json")))
			.get("credential").asString();
	}

	private HttpApi admin() {
		return HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD);
	}

	private HttpApi anonymous() {
		return HttpApi.anonymous(baseUrl());
	}
}
