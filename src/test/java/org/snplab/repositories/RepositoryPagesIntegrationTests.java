package org.snplab.repositories;

import java.nio.file.Files;
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


import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's repository pages over real HTTP, logged in through the login form as a browser is. Here beside the
 * API's tests because they need the same server: two repositories in application.yml and signed webhook deliveries.
 */
class RepositoryPagesIntegrationTests extends GithubIntegrationTest {

	static final String ADDED = "snplab-test/added";

	static final String ADDED_SECRET = "added-through-the-form-secret";

	static final String ADDED_TOKEN = "added-through-the-form-token";

	FormSession admin;

	@BeforeEach
	void logIn() {
		admin = FormSession.logIn(baseUrl(), "admin", ADMIN_PASSWORD);
	}

	@Test
	void theListShowsConfiguredAndAddedRepositoriesAndWhereEachComesFrom() {
		HttpApi api = HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD);
		api.put("/api/repositories/" + ADDED, Map.of("webhookSecret", ADDED_SECRET, "trustedUsers", List.of("friend")));
		api.put("/api/repositories/" + HELLO, Map.of("approveLabel", "go", "reapproveOnPush", false));

		FormSession.Page page = admin.get("/repositories");

		assertThat(page.status()).isEqualTo(200);
		assertThat(row(page.body(), SVSM)).contains(svsmDirectory.toUri().toString(),
				"class=\"source\">application.yml<", "class=\"webhook-secret\">yes<", "class=\"token\">yes<", ">main<",
				">trusted-friend<", "class=\"approve-label\">ok-to-test<", "class=\"reapprove-on-push\">yes<",
				"href=\"/repositories/" + SVSM + "/edit\"");
		assertThat(row(page.body(), HELLO)).contains("class=\"source\">application.yml, overridden in the dashboard<",
				"class=\"approve-label\">go<", "class=\"reapprove-on-push\">no<");
		assertThat(row(page.body(), ADDED)).contains("class=\"source\">dashboard<", "https://github.com/" + ADDED + ".git",
				"class=\"webhook-secret\">yes<", "class=\"token\">no<", ">friend<");
		assertThat(page.body().indexOf(SVSM)).isLessThan(page.body().indexOf(HELLO));
		assertThat(page.body().indexOf(HELLO)).isLessThan(page.body().indexOf(ADDED));
	}

	@Test
	void anAdminAddsARepositoryThroughTheFormAndItsSignedPushesQueueRuns() throws Exception {
		TestRepositories repository = TestRepositories.init(Files.createTempDirectory("added"));
		String sha = repository.commit("pipeline", Map.of(".snplab.yml", PIPELINE));
		assertThat(admin.get("/repositories/new").body()).contains("Required: the secret set on the GitHub webhook.");

		FormSession.Page saved = admin.post("/repositories/new", form("name", ADDED, "cloneUrl", repository.url(),
				"webhookSecret", ADDED_SECRET, "token", ADDED_TOKEN, "trustedUsers", "friend, other  newcomer",
				"protectedBranches", "", "approveLabel", ""));

		assertThat(saved.status()).as(saved.body()).isEqualTo(302);
		assertThat(saved.location()).endsWith("/repositories");
		String list = admin.follow(saved).body();
		assertThat(list).contains("<p class=\"flash\" id=\"flash\">Added " + ADDED + ".</p>");
		assertThat(row(list, ADDED)).contains(repository.url(), "class=\"source\">dashboard<", "class=\"token\">yes<");
		assertThat(admin.get("/repositories").body()).doesNotContain("id=\"flash\"");
		Repository added = repositories.find(ADDED).orElseThrow();
		assertThat(added.webhookSecret()).isEqualTo(ADDED_SECRET);
		assertThat(added.token()).isEqualTo(ADDED_TOKEN);
		assertThat(added.trustedUsers()).containsExactly("friend", "other", "newcomer");
		assertThat(added.protectedBranches()).containsExactly("main");
		assertThat(added.approveLabel()).isEqualTo("ok-to-test");
		assertThat(added.reapproveOnPush()).isFalse();

		String id = UUID.randomUUID().toString();
		HttpApi.Response push = deliver("push", id, TestPayloads.push(ADDED, "main", sha), ADDED_SECRET);
		assertThat(push.status()).as(push.body()).isEqualTo(200);
		assertThat(awaitOutcome(id)).matches("queued run \\d+ with 2 job\\(s\\)");
		assertThat(deliver("push", UUID.randomUUID().toString(), TestPayloads.push(ADDED, "main", sha), SECRET).status())
			.isEqualTo(401);
	}

	@Test
	void editingWithEmptySecretAndTokenFieldsKeepsThemAndChangesTheRest() {
		add(form("name", ADDED, "webhookSecret", ADDED_SECRET, "token", ADDED_TOKEN, "trustedUsers", "friend",
				"reapproveOnPush", "true"));

		FormSession.Page edit = admin.get("/repositories/" + ADDED + "/edit");
		assertThat(edit.status()).isEqualTo(200);
		assertThat(edit.body()).contains("value=\"friend\"", "value=\"https://github.com/" + ADDED + ".git\"",
				"Set. Leave empty to keep the current secret.", "Set. Leave empty to keep the current token.");
		String list = edit(ADDED, form("cloneUrl", "/srv/mirrors/added.git", "webhookSecret", "", "token", "",
				"trustedUsers", "newcomer", "protectedBranches", "main release", "approveLabel", "go"));

		assertThat(list).contains("id=\"flash\">Saved " + ADDED + ".<");
		Repository edited = repositories.find(ADDED).orElseThrow();
		assertThat(edited.webhookSecret()).isEqualTo(ADDED_SECRET);
		assertThat(edited.token()).isEqualTo(ADDED_TOKEN);
		assertThat(edited.cloneUrl()).isEqualTo("/srv/mirrors/added.git");
		assertThat(edited.trustedUsers()).containsExactly("newcomer");
		assertThat(edited.protectedBranches()).containsExactly("main", "release");
		assertThat(edited.approveLabel()).isEqualTo("go");
		assertThat(edited.reapproveOnPush()).isFalse();
	}

	@Test
	void removingAnOverrideGoesBackToApplicationYmlAndDeletingAnAddedRepositoryStopsServingIt() {
		assertThat(admin.get("/repositories/" + SVSM + "/edit").body())
			.contains("application.yml configures this repository").doesNotContain("id=\"delete\"");
		edit(SVSM, form("cloneUrl", svsmDirectory.toUri().toString(), "trustedUsers", "newcomer", "reapproveOnPush", "true"));
		assertThat(repositories.find(SVSM).orElseThrow().trustedUsers()).containsExactly("newcomer");
		assertThat(repositories.find(SVSM).orElseThrow().webhookSecret()).isEqualTo(SECRET);
		assertThat(admin.get("/repositories/" + SVSM + "/edit").body())
			.contains(">Remove the dashboard override (back to application.yml)<");

		FormSession.Page removed = admin.post("/repositories/" + SVSM + "/delete", Map.of());

		assertThat(removed.status()).isEqualTo(302);
		assertThat(admin.follow(removed).body()).contains("id=\"flash\">Removed the dashboard override of " + SVSM);
		assertThat(repositories.find(SVSM).orElseThrow().trustedUsers()).containsExactly("trusted-friend");

		add(form("name", ADDED, "webhookSecret", ADDED_SECRET));
		assertThat(admin.get("/repositories/" + ADDED + "/edit").body()).contains(">Delete repository<");
		String list = admin.follow(admin.post("/repositories/" + ADDED + "/delete", Map.of())).body();
		assertThat(list).contains("id=\"flash\">Deleted " + ADDED + ": snplab no longer serves it.<")
			.doesNotContain("id=\"repository-" + ADDED + "\"");
		assertThat(repositories.find(ADDED)).isEmpty();
		FormSession.Page gone = admin.get("/repositories/" + ADDED + "/edit");
		assertThat(gone.status()).isEqualTo(404);
		assertThat(gone.body()).contains("no repository " + ADDED);
	}

	@Test
	void onlyAdminsSeeTheNavigationLinkOpenThePagesOrPostTheForms() {
		FormSession maintainer = FormSession.logIn(baseUrl(), "maintainer", USER_PASSWORD);

		assertThat(admin.get("/").body()).contains("id=\"repositories-link\"");
		assertThat(maintainer.get("/").body()).doesNotContain("/repositories");
		assertThat(maintainer.get("/repositories").status()).isEqualTo(403);
		assertThat(maintainer.get("/repositories/new").status()).isEqualTo(403);
		assertThat(maintainer.get("/repositories/" + SVSM + "/edit").status()).isEqualTo(403);
		maintainer.get("/");
		assertThat(maintainer.post("/repositories/new", form("name", ADDED, "webhookSecret", ADDED_SECRET)).status())
			.isEqualTo(403);
		assertThat(maintainer.post("/repositories/" + HELLO + "/edit", form("trustedUsers", "x")).status()).isEqualTo(403);
		assertThat(HttpApi.basic(baseUrl(), "viewer", USER_PASSWORD).get("/repositories").status()).isEqualTo(403);
		assertThat(HttpApi.anonymous(baseUrl()).get("/repositories").status()).isIn(302, 401);

		assertThat(db.sql("select count(*) from github_repository").query(Integer.class).single()).isZero();
	}

	@Test
	void aFormPostWithoutTheCsrfTokenIsRefused() {
		admin.get("/repositories/new");

		FormSession.Page forged = admin.postWithoutCsrfToken("/repositories/new",
				form("name", ADDED, "webhookSecret", ADDED_SECRET));

		assertThat(forged.status()).isEqualTo(403);
		assertThat(admin.postWithoutCsrfToken("/repositories/" + HELLO + "/edit", form("trustedUsers", "x")).status())
			.isEqualTo(403);
		assertThat(db.sql("select count(*) from github_repository").query(Integer.class).single()).isZero();
		assertThat(admin.post("/repositories/new", form("name", ADDED, "webhookSecret", ADDED_SECRET)).status())
			.isEqualTo(302);
	}

	@Test
	void invalidInputShowsTheFormAgainWithWhatWasWrongNextToItsFieldAndSavesNothing() {
		String[][] cases = { // field in error, name, clone URL, message
				{ "name", "not-a-name", "", "a repository is named owner/name with letters, digits" },
				{ "cloneUrl", ADDED, "javascript:alert(1)", "cloneUrl must be an https://" },
				{ "cloneUrl", ADDED, "relative/path", "cloneUrl must be an https://" },
				{ "name", SVSM, "", SVSM + " is served already: edit it instead" } };
		for (String[] c : cases) {
			admin.get("/repositories/new");
			FormSession.Page page = admin.post("/repositories/new", form("name", c[1], "cloneUrl", c[2],
					"webhookSecret", ADDED_SECRET, "token", ADDED_TOKEN));

			assertThat(page.status()).as(c[3]).isEqualTo(200);
			assertThat(page.body()).as(c[3]).contains("Nothing was saved", "id=\"" + c[0] + "-error\">" + c[3])
				.doesNotContain(ADDED_SECRET, ADDED_TOKEN);
		}
		admin.get("/repositories/new");
		FormSession.Page noSecret = admin.post("/repositories/new", form("name", ADDED, "trustedUsers", "friend"));
		assertThat(noSecret.body()).contains("id=\"webhookSecret-error\">webhookSecret is required: " + ADDED)
			.contains("value=\"" + ADDED + "\"", "value=\"friend\"");

		assertThat(db.sql("select count(*) from github_repository").query(Integer.class).single()).isZero();
		HttpApi.Response api = HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD).put("/api/repositories/" + ADDED,
				Map.of("webhookSecret", ADDED_SECRET, "cloneUrl", "relative/path"));
		assertThat(api.status()).isEqualTo(400);
		assertThat(api.json().get("detail").asString()).startsWith("cloneUrl must be an https://");
	}

	@Test
	void noPageShowsASecretOrATokenOnlyWhetherOneIsSet() {
		add(form("name", ADDED, "webhookSecret", ADDED_SECRET, "token", ADDED_TOKEN));
		edit(HELLO, form("token", "override-token", "trustedUsers", "someone"));
		assertThat(repositories.find(HELLO).orElseThrow().token()).isEqualTo("override-token");

		for (String path : List.of("/", "/runs", "/hosts", "/repositories", "/repositories/new",
				"/repositories/" + ADDED + "/edit", "/repositories/" + HELLO + "/edit", "/repositories/" + SVSM + "/edit")) {
			FormSession.Page page = admin.get(path);
			assertThat(page.status()).as(path).isEqualTo(200);
			assertThat(page.body()).as(path).doesNotContain(ADDED_SECRET, ADDED_TOKEN, "override-token", SECRET,
					FakeGithubApi.TOKEN);
		}
		assertThat(row(admin.get("/repositories").body(), ADDED)).contains("class=\"webhook-secret\">yes<",
				"class=\"token\">yes<");
	}

	/** Submits the add form as a browser does; returns the page it is sent to. */
	private String add(Map<String, String> fields) {
		admin.get("/repositories/new");
		return admin.follow(admin.post("/repositories/new", fields)).body();
	}

	/** Submits the repository's edit form as a browser does; returns the page it is sent to. */
	private String edit(String repository, Map<String, String> fields) {
		admin.get("/repositories/" + repository + "/edit");
		return admin.follow(admin.post("/repositories/" + repository + "/edit", fields)).body();
	}

	/** Form fields as a browser sends them; the checkbox's hidden marker makes an absent box mean false. */
	private static Map<String, String> form(String... namesAndValues) {
		Map<String, String> fields = new LinkedHashMap<>();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			fields.put(namesAndValues[i], namesAndValues[i + 1]);
		}
		fields.put("_reapproveOnPush", "on");
		return fields;
	}

	private static String row(String page, String repository) {
		int start = page.indexOf("<tr id=\"repository-" + repository + "\">");
		assertThat(start).as("row of " + repository).isNotNegative();
		return page.substring(start, page.indexOf("</tr>", start));
	}
}
