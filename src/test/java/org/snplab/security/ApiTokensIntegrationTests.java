package org.snplab.security;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.snplab.queue.RunService;
import org.snplab.support.FormSession;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import org.snplab.web.WebFixtures;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** API tokens: made by a user, shown once, kept hashed, acting with the user's role as it is now, revocable. */
class ApiTokensIntegrationTests extends ServerIntegrationTest {

	@Autowired
	RunService runs;

	@Autowired
	UserAccounts users;

	@Test
	void aMaintainersTokenActsAsTheMaintainerWithoutCsrfAndIsKeptOnlyAsAHash() {
		HttpApi maintainer = HttpApi.basic(baseUrl(), "maintainer", USER_PASSWORD);
		HttpApi.Response created = maintainer.post("/api/tokens", Map.of("name", "ci"));
		assertThat(created.status()).isEqualTo(201);
		String token = created.json().get("token").asString();
		assertThat(token).startsWith("snplab_").hasSizeGreaterThan(40);
		long run = queueRun();

		HttpApi.Response canceled = HttpApi.bearer(baseUrl(), token).post("/api/runs/" + run + "/cancel", "");

		assertThat(canceled.status()).isEqualTo(200);
		assertThat(db.sql("select state from run where id = ?").param(run).query(String.class).single()).isEqualTo("canceled");
		assertThat(db.sql("select count(*) from api_token where token_sha256 like ? or name like ?")
			.params("%" + token + "%", "%" + token + "%").query(Integer.class).single()).isZero();
		HttpApi.Response listed = HttpApi.bearer(baseUrl(), token).get("/api/tokens");
		assertThat(listed.status()).isEqualTo(200);
		assertThat(listed.body()).contains("\"name\":\"ci\"").doesNotContain(token).contains("lastUsedAt");
	}

	@Test
	void aViewersTokenReadsButIsRefusedActionsWith403InTheApisShape() {
		String token = token("viewer", "reader");
		long run = queueRun();

		HttpApi viewer = HttpApi.bearer(baseUrl(), token);
		assertThat(viewer.get("/api/runs/" + run).status()).isEqualTo(200);
		HttpApi.Response refused = viewer.post("/api/runs/" + run + "/cancel", "");

		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.json().get("status").asInt()).isEqualTo(403);
		assertThat(refused.json().get("detail").asString()).contains("POST /api/runs/" + run + "/cancel")
			.contains("viewer is viewer").contains("maintainer");
	}

	@Test
	void aRevokedTokenOrOneOfARemovedOrDemotedUserNoLongerWorks() {
		String token = token("maintainer", "laptop");
		long id = HttpApi.bearer(baseUrl(), token).get("/api/tokens").json().get(0).get("id").asLong();
		assertThat(HttpApi.bearer(baseUrl(), token("viewer", "other")).delete("/api/tokens/" + id).status())
			.as("another user's token").isEqualTo(404);

		assertThat(HttpApi.basic(baseUrl(), "maintainer", USER_PASSWORD).delete("/api/tokens/" + id).status()).isEqualTo(204);
		HttpApi.Response refused = HttpApi.bearer(baseUrl(), token).get("/api/runs");

		assertThat(refused.status()).as("refused even where reading is open to anyone").isEqualTo(401);
		assertThat(refused.json().get("detail").asString()).contains("not a valid snplab API token");

		String demoted = token("maintainer", "ci");
		users.save("maintainer", USER_PASSWORD, "viewer");
		assertThat(HttpApi.bearer(baseUrl(), demoted).post("/api/runs/" + queueRun() + "/cancel", "").status())
			.as("acts with the role the user has now").isEqualTo(403);
	}

	@Test
	void anAdminMayRevokeAnyonesToken() {
		String token = token("viewer", "forgotten");
		long id = HttpApi.bearer(baseUrl(), token).get("/api/tokens").json().get(0).get("id").asLong();

		assertThat(HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD).delete("/api/tokens/" + id).status()).isEqualTo(204);
		assertThat(HttpApi.bearer(baseUrl(), token).get("/api/runs").status()).isEqualTo(401);
	}

	@Test
	void anonymousRequestsAndBadNamesGetClearRefusals() {
		HttpApi anonymous = HttpApi.anonymous(baseUrl());
		HttpApi.Response unauthenticated = anonymous.post("/api/tokens", Map.of("name", "ci"));
		assertThat(unauthenticated.status()).isEqualTo(401);
		assertThat(unauthenticated.json().get("status").asInt()).isEqualTo(401);
		assertThat(unauthenticated.json().get("detail").asString()).contains("Authorization: Bearer");
		assertThat(anonymous.get("/api/tokens").status()).as("not open with public read").isEqualTo(401);
		assertThat(HttpApi.basic(baseUrl(), "maintainer", "wrong").get("/api/runs").json().get("detail").asString())
			.isEqualTo("wrong user name or password");

		HttpApi maintainer = HttpApi.basic(baseUrl(), "maintainer", USER_PASSWORD);
		HttpApi.Response blank = maintainer.post("/api/tokens", Map.of("name", " "));
		assertThat(blank.status()).isEqualTo(400);
		assertThat(blank.json().get("detail").asString()).contains("\"name\" must be 1 to 100 characters");
		assertThat(maintainer.post("/api/tokens", "").status()).isEqualTo(400);
		assertThat(maintainer.delete("/api/tokens/999999").json().get("detail").asString()).contains("no token 999999");
	}

	@Test
	void theTokensPageMakesATokenShownOnceListsItAndRevokesIt() {
		FormSession browser = FormSession.logIn(baseUrl(), "viewer", USER_PASSWORD);
		assertThat(browser.get("/tokens").body()).contains("No token yet.");

		FormSession.Page created = browser.follow(browser.post("/tokens", Map.of("name", "laptop")));

		Matcher shown = Pattern.compile("id=\"new-token-value\">(snplab_[A-Za-z0-9_-]+)<").matcher(created.body());
		assertThat(shown.find()).as(created.body()).isTrue();
		String token = shown.group(1);
		assertThat(HttpApi.bearer(baseUrl(), token).get("/api/tokens").status()).isEqualTo(200);
		FormSession.Page again = browser.get("/tokens");
		assertThat(again.body()).as("shown once").doesNotContain(token).contains(">laptop<");
		assertThat(browser.post("/tokens", Map.of("name", "")).body()).contains("must be 1 to 100 characters");

		long id = db.sql("select id from api_token where name = 'laptop'").query(Long.class).single();
		browser.get("/tokens");
		assertThat(browser.follow(browser.post("/tokens/" + id + "/revoke", Map.of())).body())
			.contains("Revoked token " + id).contains("No token yet.");
		assertThat(HttpApi.bearer(baseUrl(), token).get("/api/runs").status()).isEqualTo(401);
		assertThat(FormSession.logIn(baseUrl(), "viewer", USER_PASSWORD).get("/runs").body()).contains("href=\"/tokens\"");
		assertThat(HttpApi.anonymous(baseUrl()).get("/tokens").status()).as("anonymous: not served").isEqualTo(401);
	}

	private String token(String user, String name) {
		HttpApi.Response created = HttpApi.basic(baseUrl(), user, USER_PASSWORD).post("/api/tokens", Map.of("name", name));
		assertThat(created.status()).isEqualTo(201);
		return created.json().get("token").asString();
	}

	private long queueRun() {
		return runs.queue(new RunService.Origin("file:///repo", "main", "a".repeat(40), "api"), WebFixtures.pipeline("build"));
	}
}
