package org.snplab.hosts;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.snplab.SnplabProperties;
import org.snplab.pipeline.PipelineParser;
import org.snplab.queue.RunService;
import org.snplab.support.Eventually;
import org.snplab.support.HttpAgent;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;

import static org.assertj.core.api.Assertions.assertThat;

class HostAdministrationIntegrationTests extends ServerIntegrationTest {

	@Autowired
	JsonMapper json;

	@Autowired
	ApplicationEventPublisher events;

	@Autowired
	SnplabProperties properties;

	@Autowired
	HostRegistry hosts;

	@Autowired
	RunService runs;

	@Autowired
	HostAdministration administration;

	@Test
	void withoutAutoEnableANewHostWaitsForAnAdmin() {
		HostRegistry registry = registry(withoutAutoEnable());

		long id = registry.register(REGISTRATION_TOKEN, "donated-1", 1, Map.of(), Map.of()).hostId();

		assertThat(registry.find(id).orElseThrow().state()).isEqualTo("disabled");
		assertThat(admin().post("/api/hosts/" + id + "/enable", Map.of()).json().get("state").asString()).isEqualTo("online");
	}

	@Test
	void withoutAutoEnableTheRegistrationTokenAloneCannotTakeOverAnApprovedHost() {
		HostRegistry registry = registry(withoutAutoEnable());
		HostRegistry.Registration first = registry.register(REGISTRATION_TOKEN, "donated-2", 1, Map.of(), Map.of());
		administration.act(first.hostId(), "enable", "admin", null);

		HostRegistry.Registration again = registry.register(REGISTRATION_TOKEN, "donated-2", 1, Map.of(), Map.of());

		assertThat(again.hostId()).isEqualTo(first.hostId());
		assertThat(registry.find(again.hostId()).orElseThrow().state())
			.as("re-registered: disabled until an admin enables it again").isEqualTo("disabled");
		assertThat(registry.authenticate(first.credential())).as("the old credential is replaced").isEmpty();
		assertThat(registry.authenticate(again.credential())).isPresent();
	}

	@Test
	void aReplacedCredentialStopsWorkingOnEveryServerInstance() {
		HostRegistry.Registration first = hosts.register(REGISTRATION_TOKEN, "donated-3", 1, Map.of(), Map.of());
		HostRegistry otherInstance = registry(properties);
		assertThat(otherInstance.authenticate(first.credential())).isPresent(); // now cached there

		hosts.register(REGISTRATION_TOKEN, "donated-3", 1, Map.of(), Map.of());

		Eventually.await(Duration.ofSeconds(10), "the other instance to refuse the replaced credential",
				() -> otherInstance.authenticate(first.credential()), Optional::isEmpty);
	}

	@Test
	void adminDrainsLabelsAndReturnsAHostToService() {
		long id = HttpApi.bearer(baseUrl(), REGISTRATION_TOKEN)
			.post("/api/agent/register", Map.of("name", "genoa-2", "labels", Map.of("rack", "a1")))
			.json().get("hostId").asLong();

		assertThat(admin().post("/api/hosts/" + id + "/drain", Map.of()).json().get("state").asString()).isEqualTo("draining");
		HttpApi.Response labeled = admin().put("/api/hosts/" + id + "/labels", Map.of("coconut", "", "rack", "b2"));
		assertThat(labeled.json().get("labels").get("rack").asString()).as("admin labels win").isEqualTo("b2");
		assertThat(labeled.json().get("labels").has("coconut")).isTrue();
		assertThat(admin().post("/api/hosts/" + id + "/activate", Map.of()).json().get("state").asString()).isEqualTo("online");
	}

	@Test
	void aRemovedHostLosesItsCredentialAndLeavesTheListsButItsHistoryKeepsItsName() throws Exception {
		HttpAgent leaving = new HttpAgent(baseUrl(), "returned-1", Map.of());
		long runId = runs.queue(new RunService.Origin("file:///repo", "main", "c".repeat(40), "api"),
				PipelineParser.parse("jobs: { build: { steps: [ \"make\" ] } }"));
		JsonNode job = leaving.poll();

		HttpApi.Response busy = admin().delete("/api/hosts/" + leaving.hostId);
		assertThat(busy.status()).isEqualTo(409);
		assertThat(busy.json().get("detail").asString()).contains("returned-1 runs 1 job(s)").contains("drain it");

		leaving.finish(job, "passed", "", 0);
		assertThat(admin().delete("/api/hosts/" + leaving.hostId).status()).isEqualTo(204);

		assertThat(admin().get("/api/hosts/" + leaving.hostId).status()).isEqualTo(404);
		assertThat(admin().get("/api/hosts").json().valueStream().map(h -> h.get("name").asString()))
			.doesNotContain("returned-1");
		assertThat(leaving.pollStatus()).as("its credential no longer works").isEqualTo(401);
		assertThat(admin().get("/api/runs/" + runId).json().get("jobs").get(0).get("host").asString())
			.isEqualTo("returned-1");

		HttpAgent back = new HttpAgent(baseUrl(), "returned-1", Map.of());
		assertThat(back.hostId).as("the name is free again: a new host").isNotEqualTo(leaving.hostId);
		assertThat(admin().get("/api/hosts/" + back.hostId).json().get("state").asString()).isEqualTo("online");
	}

	@Test
	void hostActionsNeedAnAdmin() {
		long id = HttpApi.bearer(baseUrl(), REGISTRATION_TOKEN).post("/api/agent/register", Map.of("name", "h"))
			.json().get("hostId").asLong();

		assertThat(HttpApi.anonymous(baseUrl()).post("/api/hosts/" + id + "/drain", Map.of()).status()).isEqualTo(401);
		assertThat(HttpApi.basic(baseUrl(), "maintainer", USER_PASSWORD).delete("/api/hosts/" + id).status()).isEqualTo(403);
		assertThat(admin().delete("/api/hosts/999999").status()).isEqualTo(404);
		assertThat(HttpApi.anonymous(baseUrl()).get("/api/hosts/" + id).status()).isEqualTo(200);
		assertThat(admin().post("/api/hosts/999999/drain", Map.of()).status()).isEqualTo(404);
	}

	private HostRegistry registry(SnplabProperties settings) {
		return new HostRegistry(db, json, settings, events, new RegistrationToken(db, settings, new org.springframework.core.env.StandardEnvironment()),
				java.time.Clock.systemUTC(), HealthProperties.withCap("30%"));
	}

	private SnplabProperties withoutAutoEnable() {
		return new SnplabProperties(properties.dataDir(), properties.baseUrl(), properties.secretsKey(),
				new SnplabProperties.Agent(REGISTRATION_TOKEN, false), properties.queue(), properties.logs(),
				properties.artifacts());
	}

	private HttpApi admin() {
		return HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD);
	}
}
