package org.snplab.queue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.support.HttpAgent;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import org.snplab.support.TestRepositories;
import org.snplab.web.WebFixtures;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Text PostgreSQL can't hold (U+0000, bytes that aren't UTF-8, unpaired surrogates) arriving through the agent API
 * and {@code POST /api/runs}: kept readable (NUL as U+2400 "␀", the rest as U+FFFD "�") or refused with a 400 that
 * says where, never a 500.
 */
class UnstorableTextIntegrationTests extends ServerIntegrationTest {

	@Autowired
	RunService runs;

	@TempDir
	Path temp;

	private TestRepositories repo;

	@BeforeEach
	void repository() {
		repo = TestRepositories.init(temp.resolve("repo"));
		repo.commit("first", Map.of("README", "hello\n"));
	}

	@Test
	void aLogChunkWithNulAndInvalidUtf8BytesIsStoredReadablyAndTheJobStillPasses() throws Exception {
		HttpAgent agent = new HttpAgent(baseUrl(), "serial", Map.of());
		long job = queueAndClaim(agent);

		assertThat(agent.log(job, 0, new byte[] { 'x', 0, 'y', '\n' })).isEqualTo(204);
		assertThat(agent.log(job, 1, new byte[] { 'b', (byte) 0xff, (byte) 0xfe, 'd', '\n' })).isEqualTo(204);
		assertThat(agent.finish(job, "passed", "")).isEqualTo(200);

		assertThat(anonymous().get("/api/jobs/" + job + "/log").body()).isEqualTo("x\u2400y\nb\uFFFD\uFFFDd\n");
		assertThat(anonymous().get("/api/jobs/" + job).json().get("state").asString()).isEqualTo("passed");
	}

	@Test
	void factsLabelsAndAFinishReasonWithNulAreStoredReadably() {
		HttpApi registration = HttpApi.bearer(baseUrl(), REGISTRATION_TOKEN);
		HttpApi.Response registered = registration.post("/api/agent/register", Map.of("name", "odd-host", "slots", 1,
				"labels", Map.of("rack\0", "a\0b"), "facts", Map.of("cpu.model_name", "AMD\0EPYC")));
		assertThat(registered.status()).as(registered.body()).isEqualTo(200);
		// Written out by hand: an unpaired surrogate only survives the trip as a JSON escape. JSON can't hold one.
		HttpApi.Response surrogate = registration.post("/api/agent/register", """
				{"name": "odd-host-3", "slots": 1, "labels": {}, "facts": {"bad\\ud800": "x"}}""");
		assertThat(surrogate.status()).isEqualTo(400);
		assertThat(surrogate.json().get("detail").asString()).contains("surrogate");
		HttpAgent agent = new HttpAgent(baseUrl(), "odd-host-2", Map.of("cpu.model_name", "EPYC\0"));
		assertThat(agent.heartbeat(Map.of("snp.status", "init\0failed"), Map.of("k", "v\0"))).isEqualTo(200);

		JsonNode hosts = admin().get("/api/hosts").json();
		assertThat(hosts.toString()).contains("AMD\u2400EPYC").contains("rack\u2400")
			.contains("a\u2400b").contains("init\u2400failed").contains("v\u2400");
		HttpApi.Response labels = admin().put("/api/hosts/" + agent.hostId + "/labels", Map.of("room", "b\0"));
		assertThat(labels.status()).as(labels.body()).isLessThan(500);

		long job = queueAndClaim(agent);
		assertThat(agent.finish(job, "failed", "step 1 exited 1: printed \0 here")).isEqualTo(200);
		assertThat(anonymous().get("/api/jobs/" + job).json().get("reason").asString())
			.isEqualTo("step 1 exited 1: printed \u2400 here");
	}

	@Test
	void aPipelineWithNulInAStepOrAnEnvValueIsRefusedWithItsLine() {
		HttpApi.Response escaped = submit("""
				jobs:
				  build:
				    env: { A: "1" }
				    steps: [ "printf 'x\\0y'" ]
				""");
		assertThat(escaped.status()).as(escaped.body()).isEqualTo(400);
		assertThat(escaped.json().get("detail").asString()).startsWith(".snplab.yml line 4: ").contains("NUL");

		HttpApi.Response env = submit("jobs:\n  build:\n    steps: [ make ]\n    env: { A: \"\\x00\" }\n");
		assertThat(env.status()).as(env.body()).isEqualTo(400);
		assertThat(env.json().get("detail").asString()).startsWith(".snplab.yml line 4: ").contains("NUL");

		HttpApi.Response raw = submit("jobs:\n  build:\n    steps: [ \"a\0b\" ]\n");
		assertThat(raw.status()).as(raw.body()).isEqualTo(400);
		assertThat(raw.json().get("detail").asString()).startsWith(".snplab.yml line 3: ").contains("U+0000");

		HttpApi.Response surrogate = submit("jobs:\n  build:\n    steps: [ \"a\\uD800b\" ]\n");
		assertThat(surrogate.status()).as(surrogate.body()).isEqualTo(400);
		assertThat(surrogate.json().get("detail").asString()).startsWith(".snplab.yml line 3: ");

		HttpApi.Response loneInJson = admin().post("/api/runs", "{\"repository\": \"" + repo.url()
				+ "\", \"ref\": \"main\", \"pipeline\": \"jobs: { build: { steps: [ a\\ud800b ] } }\"}");
		assertThat(loneInJson.status()).as(loneInJson.body()).isEqualTo(400);
	}

	@Test
	void aRequestWithNulOrInvalidUtf8OutsideThePipelineIsRefusedNotFailed() throws Exception {
		HttpApi.Response ref = admin().post("/api/runs", Map.of("repository", repo.url(), "ref", "ma\0in"));
		assertThat(ref.status()).as(ref.body()).isBetween(400, 499);
		HttpApi.Response repository = admin().post("/api/runs", Map.of("repository", repo.url() + "\0", "ref", "main"));
		assertThat(repository.status()).as(repository.body()).isBetween(400, 499);

		byte[] body = ("{\"repository\": \"" + repo.url() + "\", \"ref\": \"main\", \"pipeline\": \"jobs: { b: { steps: [ \"")
			.getBytes(StandardCharsets.UTF_8);
		byte[] invalid = concat(body, new byte[] { (byte) 0xff, (byte) 0xc3 }, "\" ] } }\"}".getBytes(StandardCharsets.UTF_8));
		HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/runs"))
			.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD).getBytes()))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofByteArray(invalid))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(answer.statusCode()).as(answer.body()).isBetween(400, 499);
	}

	@Test
	void aRequiresBlockTooLargeToIndexIsRefusedWithItsLine() {
		StringBuilder values = new StringBuilder();
		for (int i = 0; i < 400; i++) {
			values.append(i == 0 ? "" : ", ").append("v").append(i).append("-").append(Integer.toHexString(i * 7919));
		}
		HttpApi.Response answer = submit("jobs:\n  build:\n    steps: [ make ]\n    requires: { cpu.model: [ " + values + " ] }\n");

		assertThat(answer.status()).as(answer.body()).isEqualTo(400);
		assertThat(answer.json().get("detail").asString()).startsWith(".snplab.yml line 4: `requires` is too large: ")
			.contains("at most 2048");
		assertThat(db.sql("select count(*) from run").query(Integer.class).single()).isZero();
	}

	private HttpApi.Response submit(String pipeline) {
		return admin().post("/api/runs", Map.of("repository", repo.url(), "ref", "main", "pipeline", pipeline));
	}

	private long queueAndClaim(HttpAgent agent) {
		runs.queue(new RunService.Origin("file:///repo", "main", "d".repeat(40), "api"), WebFixtures.pipeline("build"));
		return agent.claim();
	}

	private static byte[] concat(byte[]... parts) {
		java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	private HttpApi admin() {
		return HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD);
	}

	private HttpApi anonymous() {
		return HttpApi.anonymous(baseUrl());
	}
}
