package org.snplab.repositories;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.snplab.SnplabProperties;
import org.snplab.github.FakeGithubApi;
import org.snplab.github.GithubIntegrationTest;
import org.snplab.github.TestPayloads;
import org.snplab.github.WebhookFixtures;
import org.snplab.secrets.SecretEncryptor;
import org.snplab.support.FormSession;
import org.snplab.support.HttpApi;
import org.snplab.support.TestRepositories;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhook secrets and tokens saved at run time are encrypted in {@code github_repository}: what a database dump shows,
 * what still works, and what happens to a value this server's key can't decrypt.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretEncryptionIntegrationTests extends GithubIntegrationTest {

	static final String ADDED = "snplab-test/added";

	static final String ADDED_SECRET = "added-repository-secret";

	static final String ADDED_TOKEN = "added-repository-token";

	@Autowired
	PlainSecretsMigration migration;

	@Autowired
	SnplabProperties properties;

	@Autowired
	ApplicationContext context;

	HttpApi admin;

	@BeforeEach
	void admin() {
		admin = HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD);
	}

	/**
	 * Drop what this class added and read the table once, so the next test's unreadable secrets are news to the log
	 * again.
	 */
	@AfterEach
	void forget() {
		db.sql("delete from github_repository").update();
		repositories.invalidate();
		repositories.entries();
	}

	@Test
	void aSecretAndATokenSavedThroughTheApiAreStoredEncryptedAndSignedWebhooksStillVerify() {
		HttpApi.Response saved = admin.put("/api/repositories/" + ADDED,
				Map.of("webhookSecret", ADDED_SECRET, "token", ADDED_TOKEN));
		assertThat(saved.status()).as(saved.body()).isEqualTo(200);

		Map<String, Object> stored = storedSecrets(ADDED);
		assertThat(stored.values()).allSatisfy(value -> assertThat((String) value).startsWith("v1:")
			.doesNotContain(ADDED_SECRET, ADDED_TOKEN, "added-repository"));
		assertThat(ping(ADDED, ADDED_SECRET).status()).isEqualTo(200);
		HttpApi.Response wrong = ping(ADDED, SECRET);
		assertThat(wrong.status()).isEqualTo(401);
		assertThat(wrong.json().get("detail").asString()).contains("X-Hub-Signature-256 does not match");
	}

	@Test
	void thePlainTextOfRowsFromBeforeIsEncryptedAtStartAndStillVerifiesWebhooks(CapturedOutput output) {
		insert(ADDED, ADDED_SECRET, ADDED_TOKEN);
		String cloneUrl = "https://ci-bot:ghp_plainCloneToken@github.com/" + ADDED + ".git";
		db.sql("update github_repository set clone_url = ? where name = ?").params(cloneUrl, ADDED).update();
		repositories.invalidate();
		assertThat(ping(ADDED, ADDED_SECRET).status()).as("plain text works until the step ran").isEqualTo(200);

		assertThat(context.getBeansOfType(ApplicationRunner.class)).containsValue(migration);
		migration.run(new DefaultApplicationArguments());

		assertThat(output.getAll()).contains("Encrypted 3 plain-text webhook secret(s), token(s) and clone URL(s)");

		Map<String, Object> stored = storedSecrets(ADDED);
		assertThat(stored.values()).allSatisfy(value -> assertThat((String) value).startsWith("v1:")
			.doesNotContain(ADDED_SECRET, ADDED_TOKEN));
		assertThat(db.sql("select clone_url from github_repository where name = ?").param(ADDED).query(String.class)
			.single()).startsWith("v1:").doesNotContain("ghp_plainCloneToken");
		assertThat(repositories.find(ADDED).orElseThrow().cloneUrl()).isEqualTo(cloneUrl);
		assertThat(migration.encryptPlainSecrets()).as("again: nothing left to do").isZero();
		assertThat(storedSecrets(ADDED)).isEqualTo(stored);
		assertThat(repositories.find(ADDED).orElseThrow().token()).isEqualTo(ADDED_TOKEN);
		assertThat(ping(ADDED, ADDED_SECRET).status()).isEqualTo(200);
		assertThat(ping(ADDED, "not-the-secret").status()).isEqualTo(401);
	}

	@Test
	void aSecretEncryptedUnderAnotherKeyIsReportedUnreadableAndItsWebhooksRefusedWhileOthersWork(CapturedOutput output) {
		savedUnderAnotherKey();
		assertThat(migration.encryptPlainSecrets()).as("never taken for plain text").isZero();

		Map<String, JsonNode> listed = listed();
		assertThat(listed.get(ADDED).get("webhookSecretSet").asBoolean()).isTrue();
		assertThat(listed.get(ADDED).get("webhookSecretUnreadable").asBoolean()).isTrue();
		assertThat(listed.get(ADDED).get("tokenUnreadable").asBoolean()).isTrue();
		assertThat(listed.get(SVSM).get("webhookSecretUnreadable").asBoolean()).isTrue();
		assertThat(listed.get(SVSM).get("tokenUnreadable").asBoolean()).isFalse();
		assertThat(listed.get(HELLO).get("webhookSecretUnreadable").asBoolean()).isFalse();
		assertThat(repositories.find(SVSM).orElseThrow().webhookSecret()).as("not application.yml's").isNull();
		assertThat(output.getAll()).contains("Refusing the webhooks of " + ADDED + ": the webhook secret stored for "
				+ ADDED + " can't be decrypted", "Refusing the webhooks of " + SVSM, "an admin must enter it again",
				"No commit statuses or reconciling for " + ADDED + ": the token stored for " + ADDED);

		for (String[] refused : new String[][] { { ADDED, ADDED_SECRET }, { SVSM, SECRET } }) {
			HttpApi.Response response = ping(refused[0], refused[1]);
			assertThat(response.status()).as(refused[0]).isEqualTo(503);
			assertThat(response.json().get("detail").asString()).startsWith("can't check X-Hub-Signature-256: the "
					+ "webhook secret stored for " + refused[0] + " can't be decrypted")
				.contains("enter it again", "restore the key");
		}
		assertThat(db.sql("select count(*) from github_delivery").query(Integer.class).single())
			.as("refused before the sender proved anything: no row").isZero();
		assertThat(ping(HELLO, SECRET).status()).as("other repositories keep working").isEqualTo(200);

		FormSession browser = FormSession.logIn(baseUrl(), "admin", ADMIN_PASSWORD);
		String page = browser.get("/repositories").body();
		assertThat(page).contains("id=\"unreadable-secrets\"");
		assertThat(row(page, ADDED)).contains("class=\"webhook-secret unreadable\">unreadable<",
				"class=\"token unreadable\">unreadable<");
		assertThat(row(page, HELLO)).contains("class=\"webhook-secret\">yes<");
		assertThat(browser.get("/repositories/" + ADDED + "/edit").body()).contains("Unreadable: the stored secret");
	}

	@Test
	void savingOtherFieldsKeepsAnUnreadableSecretAndEnteringItAgainFixesIt(CapturedOutput output) {
		savedUnderAnotherKey();

		String unreadable = (String) storedSecrets(ADDED).get("webhook_secret");
		HttpApi.Response otherFields = admin.put("/api/repositories/" + ADDED, Map.of("trustedUsers", List.of("friend")));
		assertThat(otherFields.status()).as("the unreadable secret counts as set: " + otherFields.body()).isEqualTo(200);
		assertThat(otherFields.json().get("webhookSecretUnreadable").asBoolean()).isTrue();
		assertThat(storedSecrets(ADDED).get("webhook_secret")).as("kept for when the key is restored").isEqualTo(unreadable);

		repositories.invalidate();
		repositories.entries();
		assertThat(output.getAll().split("Refusing the webhooks of " + ADDED, -1)).as("logged once, not at every read")
			.hasSize(2);

		HttpApi.Response saved = admin.put("/api/repositories/" + ADDED, Map.of("webhookSecret", "a-new-secret"));
		assertThat(saved.json().get("webhookSecretUnreadable").asBoolean()).isFalse();
		assertThat(saved.json().get("tokenUnreadable").asBoolean()).as("not entered again yet").isTrue();
		assertThat(ping(ADDED, "a-new-secret").status()).isEqualTo(200);
		FormSession browser = FormSession.logIn(baseUrl(), "admin", ADMIN_PASSWORD);
		browser.get("/repositories/" + ADDED + "/edit");
		assertThat(browser.post("/repositories/" + ADDED + "/edit", Map.of("token", "a-new-token", "_reapproveOnPush", "on"))
			.status()).isEqualTo(302);
		assertThat(repositories.find(ADDED).orElseThrow().token()).isEqualTo("a-new-token");
		assertThat(admin.delete("/api/repositories/" + SVSM).status()).isEqualTo(204);
		assertThat(ping(SVSM, SECRET).status()).as("application.yml's secret again").isEqualTo(200);
		assertThat(browser.get("/repositories").body()).doesNotContain("id=\"unreadable-secrets\"", "unreadable<");
	}

	@Test
	void aTokenThisKeyCantDecryptSendsNoCommitStatusAndSaysWhyUntilItIsEnteredAgain() throws Exception {
		TestRepositories repository = TestRepositories.init(Files.createTempDirectory("added"));
		String sha = repository.commit("pipeline", Map.of(".snplab.yml", PIPELINE));
		admin.put("/api/repositories/" + ADDED, Map.of("cloneUrl", repository.url(), "webhookSecret", ADDED_SECRET));
		db.sql("update github_repository set token = ?").param(otherKey().encrypt(FakeGithubApi.TOKEN)).update();
		repositories.invalidate();

		String id = UUID.randomUUID().toString();
		assertThat(deliver("push", id, TestPayloads.push(ADDED, "main", sha), ADDED_SECRET).status()).isEqualTo(200);
		assertThat(awaitOutcome(id)).startsWith("queued run");
		await(() -> db.sql("select count(*) from github_status where last_error like '%the token stored for "
				+ ADDED + " can''t be decrypted%'").query(Integer.class).single() > 0);
		assertThat(github.statuses()).isEmpty();

		admin.put("/api/repositories/" + ADDED, Map.of("token", FakeGithubApi.TOKEN));

		await(() -> github.statuses().size() == 2);
		assertThat(github.statuses()).allSatisfy(call ->
				assertThat(call.authorization()).isEqualTo("Bearer " + FakeGithubApi.TOKEN));
	}

	@Test
	void theGeneratedKeyIsAnOwnerOnlyFileThatAnotherInstanceReusesToReadTheDatabase() throws Exception {
		admin.put("/api/repositories/" + ADDED, Map.of("webhookSecret", ADDED_SECRET, "token", ADDED_TOKEN));
		Path file = properties.dataDir().resolve("secrets.key");

		assertThat(properties.secretsKey()).isNull();
		assertThat(file).exists();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		SecretEncryptor secondInstance = new SecretEncryptor(properties);
		Map<String, Object> stored = storedSecrets(ADDED);
		assertThat(secondInstance.decrypt((String) stored.get("webhook_secret"))).isEqualTo(ADDED_SECRET);
		assertThat(secondInstance.decrypt((String) stored.get("token"))).isEqualTo(ADDED_TOKEN);
	}

	/**
	 * {@link #ADDED}'s secret and token, and an override of {@link #SVSM}'s secret (which must not fall back to
	 * application.yml's), as a server with another key (a lost one, or another instance's) saved them.
	 */
	private void savedUnderAnotherKey() {
		SecretEncryptor otherKey = otherKey();
		insert(ADDED, otherKey.encrypt(ADDED_SECRET), otherKey.encrypt(ADDED_TOKEN));
		insert(SVSM, otherKey.encrypt(SECRET), null);
		repositories.invalidate();
	}

	/** What a server with another key (a lost one, or another instance's) wrote. */
	private static SecretEncryptor otherKey() {
		return SecretEncryptor.withNewKey();
	}

	private HttpApi.Response ping(String repository, String secret) {
		return deliver("ping", UUID.randomUUID().toString(),
				WebhookFixtures.withRepository(WebhookFixtures.first("ping", null), repository), secret);
	}

	private Map<String, Object> storedSecrets(String repository) {
		return db.sql("select webhook_secret, token from github_repository where name = ?").param(repository)
			.query().singleRow();
	}

	private void insert(String repository, String webhookSecret, String token) {
		db.sql("""
				insert into github_repository (name, webhook_secret, token, protected_branches, trusted_users,
				  approve_label, reapprove_on_push) values (?, ?, ?, '{main}', '{}', 'ok-to-test', true)""")
			.params(repository, webhookSecret, token)
			.update();
	}

	private Map<String, JsonNode> listed() {
		Map<String, JsonNode> byName = new LinkedHashMap<>();
		admin.get("/api/repositories").json().forEach(node -> byName.put(node.get("name").asString(), node));
		return byName;
	}

	private static String row(String page, String repository) {
		int start = page.indexOf("<tr id=\"repository-" + repository + "\">");
		assertThat(start).as("row of " + repository).isNotNegative();
		return page.substring(start, page.indexOf("</tr>", start));
	}
}
