package org.snplab.repositories;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.snplab.github.FakeGithubApi;
import org.snplab.github.GithubIntegrationTest;
import org.snplab.github.TestPayloads;
import org.snplab.support.FormSession;
import org.snplab.support.HttpApi;
import org.snplab.support.TestRepositories;
import tools.jackson.databind.JsonNode;


import static org.assertj.core.api.Assertions.assertThat;

class RepositoryAdministrationIntegrationTests extends GithubIntegrationTest {

	static final String ADDED = "snplab-test/added";

	static final String ADDED_SECRET = "added-repository-secret";

	HttpApi admin;

	@BeforeEach
	void admin() {
		admin = HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD);
	}

	@Test
	void anAdminAddsARepositoryAndItsSignedPushesQueueRuns() throws Exception {
		Path directory = Files.createTempDirectory("added");
		TestRepositories repository = TestRepositories.init(directory);
		String sha = repository.commit("pipeline", Map.of(".snplab.yml", PIPELINE));

		HttpApi.Response saved = admin.put("/api/repositories/" + ADDED, Map.of("cloneUrl", repository.url(),
				"webhookSecret", ADDED_SECRET, "token", "added-token", "trustedUsers", List.of("friend")));

		assertThat(saved.status()).as(saved.body()).isEqualTo(200);
		JsonNode view = saved.json();
		assertThat(view.get("name").asString()).isEqualTo(ADDED);
		assertThat(view.get("source").asString()).isEqualTo("database");
		assertThat(view.get("protectedBranches").get(0).asString()).isEqualTo("main");
		assertThat(view.get("webhookSecretSet").asBoolean()).isTrue();
		assertThat(view.get("tokenSet").asBoolean()).isTrue();

		String id = UUID.randomUUID().toString();
		HttpApi.Response push = deliver("push", id, TestPayloads.push(ADDED, "main", sha), ADDED_SECRET);
		assertThat(push.status()).as(push.body()).isEqualTo(200);
		assertThat(awaitOutcome(id)).matches("queued run \\d+ with 2 job\\(s\\)");
		assertThat(db.sql("select repository from github_run").query(String.class).single()).isEqualTo(ADDED);

		assertThat(deliver("push", UUID.randomUUID().toString(), TestPayloads.push(ADDED, "main", sha), SECRET).status())
			.isEqualTo(401);
	}

	@Test
	void onlyAdminsReadTheRepositoriesEvenWithPublicRead() {
		admin.put("/api/repositories/" + ADDED, Map.of("webhookSecret", ADDED_SECRET));
		HttpApi viewer = HttpApi.basic(baseUrl(), "viewer", USER_PASSWORD);
		HttpApi maintainer = HttpApi.basic(baseUrl(), "maintainer", USER_PASSWORD);

		for (String path : List.of("/api/repositories", "/api/repositories/" + SVSM, "/api/repositories/" + ADDED)) {
			assertThat(HttpApi.anonymous(baseUrl()).get(path).status()).as(path).isEqualTo(401);
			assertThat(viewer.get(path).status()).as(path).isEqualTo(403);
			assertThat(maintainer.get(path).status()).as(path).isEqualTo(403);
			assertThat(admin.get(path).status()).as(path).isEqualTo(200);
		}
	}

	@Test
	void adminsSeeWhetherSecretsAreSetButNeverTheSecrets() throws Exception {
		admin.put("/api/repositories/" + ADDED, Map.of("webhookSecret", ADDED_SECRET, "token", "added-token"));

		HttpApi.Response list = admin.get("/api/repositories");
		assertThat(list.status()).isEqualTo(200);
		assertThat(list.body()).doesNotContain(SECRET, ADDED_SECRET, FakeGithubApi.TOKEN, "added-token");
		Map<String, JsonNode> byName = new LinkedHashMap<>();
		list.json().forEach(node -> byName.put(node.get("name").asString(), node));
		assertThat(byName.keySet()).containsExactly(SVSM, HELLO, ADDED);
		assertThat(byName.get(SVSM).get("source").asString()).isEqualTo("config");
		assertThat(byName.get(SVSM).get("webhookSecretSet").asBoolean()).isTrue();
		assertThat(byName.get(SVSM).get("tokenSet").asBoolean()).isTrue();
		assertThat(byName.get(ADDED).get("source").asString()).isEqualTo("database");
		assertThat(byName.get(ADDED).get("cloneUrl").asString()).isEqualTo("https://github.com/" + ADDED + ".git");
		assertThat(admin.get("/api/repositories/" + ADDED).body()).doesNotContain(ADDED_SECRET, "added-token");
		assertThat(db.sql("select webhook_secret from github_repository").query(String.class).single())
			.startsWith("v1:").doesNotContain(ADDED_SECRET);
	}

	@Test
	void aCloneUrlsCredentialsAreStoredEncryptedNeverShownAndStillUsed() {
		String withCredentials = "https://ci-bot:ghp_cloneUrlToken@127.0.0.1:9/snplab-test/added.git";
		admin.put("/api/repositories/" + ADDED, Map.of("cloneUrl", withCredentials, "webhookSecret", ADDED_SECRET));

		HttpApi.Response one = admin.get("/api/repositories/" + ADDED);
		assertThat(one.json().get("cloneUrl").asString()).isEqualTo("https://***@127.0.0.1:9/snplab-test/added.git");
		assertThat(admin.get("/api/repositories").body()).doesNotContain("ghp_cloneUrlToken", "ci-bot");
		FormSession browser = FormSession.logIn(baseUrl(), "admin", ADMIN_PASSWORD);
		assertThat(browser.get("/repositories").body()).contains("https://***@127.0.0.1:9").doesNotContain("ghp_");
		assertThat(browser.get("/repositories/" + ADDED + "/edit").body()).doesNotContain("ghp_");
		assertThat(db.sql("select clone_url from github_repository").query(String.class).single())
			.startsWith("v1:").doesNotContain("ghp_");
		assertThat(repositories.find(ADDED).orElseThrow().cloneUrl()).as("what git fetches with").isEqualTo(withCredentials);

		// Saving the masked URL the form showed back keeps the credentials.
		admin.put("/api/repositories/" + ADDED, Map.of("cloneUrl", one.json().get("cloneUrl").asString(),
				"trustedUsers", List.of("friend")));
		assertThat(repositories.find(ADDED).orElseThrow().cloneUrl()).isEqualTo(withCredentials);
		assertThat(repositories.find(ADDED).orElseThrow().trustedUsers()).containsExactly("friend");

		// The server's fetch uses them; what it says about a failure doesn't show them.
		String outcome = deliverAndProcessAs(TestPayloads.push(ADDED, "main", "1".repeat(40)), ADDED_SECRET);
		assertThat(outcome).startsWith("error: ").contains("https://***@127.0.0.1:9").doesNotContain("ghp_");
	}

	@Test
	void aRunsCloneUrlCredentialsAreShownNowhere() {
		long run = db.sql("insert into run (repository, ref, commit_sha, state, error) values (?, 'main', ?, 'error', ?) "
				+ "returning id")
			.params("https://ci-bot:ghp_runToken@git.example.org/o/r.git", "2".repeat(40),
					"can't read https://ci-bot:ghp_runToken@git.example.org/o/r.git: not authorized")
			.query(Long.class).single();

		for (String path : List.of("/api/runs/" + run, "/runs", "/runs/" + run, "/")) {
			HttpApi.Response page = HttpApi.anonymous(baseUrl()).get(path);
			assertThat(page.status()).as(path).isEqualTo(200);
			assertThat(page.body()).as(path).doesNotContain("ghp_runToken");
		}
		assertThat(HttpApi.anonymous(baseUrl()).get("/api/runs/" + run).json().get("repository").asString())
			.isEqualTo("https://***@git.example.org/o/r.git");
	}

	private String deliverAndProcessAs(String body, String secret) {
		String id = UUID.randomUUID().toString();
		assertThat(deliver("push", id, body, secret).status()).isEqualTo(200);
		return awaitOutcome(id);
	}

	@Test
	void onlyAdminsWriteAndBadRequestsAreRefusedWithAReason() {
		HttpApi.Response anonymous = HttpApi.anonymous(baseUrl()).put("/api/repositories/" + ADDED,
				Map.of("webhookSecret", ADDED_SECRET));
		assertThat(anonymous.status()).isEqualTo(401);
		assertThat(HttpApi.anonymous(baseUrl()).delete("/api/repositories/" + SVSM).status()).isEqualTo(401);

		HttpApi.Response badName = admin.put("/api/repositories/snplab-test/bad!name", Map.of("webhookSecret", "x"));
		assertThat(badName.status()).isEqualTo(400);
		assertThat(badName.json().get("detail").asString()).contains("owner/name").contains("bad!name");

		HttpApi.Response noSecret = admin.put("/api/repositories/" + ADDED, Map.of("token", "t"));
		assertThat(noSecret.status()).isEqualTo(400);
		assertThat(noSecret.json().get("detail").asString()).contains("webhookSecret is required");

		HttpApi.Response blankUser = admin.put("/api/repositories/" + ADDED,
				Map.of("webhookSecret", "x", "trustedUsers", List.of(" ")));
		assertThat(blankUser.status()).isEqualTo(400);
		assertThat(blankUser.json().get("detail").asString()).contains("trustedUsers");

		assertThat(db.sql("select count(*) from github_repository").query(Integer.class).single()).isZero();
	}

	@Test
	void aConfiguredOnlyRepositoryCannotBeDeletedButAnOverrideCan() {
		HttpApi.Response configured = admin.delete("/api/repositories/" + SVSM);
		assertThat(configured.status()).isEqualTo(409);
		assertThat(configured.json().get("detail").asString()).contains("configured in application.yml");
		assertThat(admin.delete("/api/repositories/nobody/nothing").status()).isEqualTo(404);

		admin.put("/api/repositories/" + HELLO.toLowerCase(), Map.of("approveLabel", "go"));
		assertThat(repositories.find(HELLO).orElseThrow().approveLabel()).isEqualTo("go");
		assertThat(admin.delete("/api/repositories/" + HELLO).status()).isEqualTo(204);
		assertThat(repositories.find(HELLO).orElseThrow().approveLabel()).isEqualTo("ok-to-test");
		assertThat(admin.get("/api/repositories/" + HELLO).json().get("source").asString()).isEqualTo("config");
	}

	@Test
	void anOverrideOfTheTrustedUsersTrustsANewcomersPullRequest() {
		String sha = commitOn(svsmDirectory, "newcomer-change", Map.of(".snplab.yml", PIPELINE));
		pullRequestRef(svsmDirectory, 21, sha);

		HttpApi.Response saved = admin.put("/api/repositories/" + SVSM, Map.of(
				"trustedUsers", List.of("trusted-friend", "newcomer")));
		assertThat(saved.status()).as(saved.body()).isEqualTo(200);
		assertThat(saved.json().get("source").asString()).isEqualTo("database");
		assertThat(saved.json().get("webhookSecretSet").asBoolean()).isTrue();

		assertThat(deliverAndProcess("pull_request", TestPayloads.pullRequest(SVSM, "opened", 21, sha, "newcomer", "NONE")))
			.startsWith("queued run");
		await(() -> github.statuses().size() == 2);
		assertThat(github.statuses()).allSatisfy(call ->
				assertThat(call.authorization()).isEqualTo("Bearer " + FakeGithubApi.TOKEN));
	}
}
