package org.snplab.hosts;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.snplab.SnplabProperties;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

class HostAdministrationIntegrationTests extends ServerIntegrationTest {

	@Autowired
	JsonMapper json;

	@Autowired
	ApplicationEventPublisher events;

	@Autowired
	Environment environment;

	@Test
	void withoutAutoEnableANewHostWaitsForAnAdmin() {
		SnplabProperties strict = Binder.get(environment)
			.bindOrCreate("snplab", SnplabProperties.class);
		strict = new SnplabProperties(strict.dataDir(), strict.baseUrl(),
				new SnplabProperties.Agent(REGISTRATION_TOKEN, false), strict.queue(), strict.logs(), strict.artifacts());
		HostRegistry registry = new HostRegistry(db, json, strict, events);

		long id = registry.register(REGISTRATION_TOKEN, "donated-1", 1, Map.of(), Map.of()).hostId();

		assertThat(registry.find(id).orElseThrow().state()).isEqualTo("disabled");
		assertThat(admin().post("/api/hosts/" + id + "/enable", Map.of()).json().get("state").asString()).isEqualTo("online");
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
	void hostActionsNeedAnAdmin() {
		long id = HttpApi.bearer(baseUrl(), REGISTRATION_TOKEN).post("/api/agent/register", Map.of("name", "h"))
			.json().get("hostId").asLong();

		assertThat(HttpApi.anonymous(baseUrl()).post("/api/hosts/" + id + "/drain", Map.of()).status()).isEqualTo(401);
		assertThat(HttpApi.anonymous(baseUrl()).get("/api/hosts/" + id).status()).isEqualTo(200);
		assertThat(admin().post("/api/hosts/999999/drain", Map.of()).status()).isEqualTo(404);
	}

	private HttpApi admin() {
		return HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD);
	}
}
