package org.snplab.web;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.snplab.support.HttpAgent;
import org.snplab.queue.RunService;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** Pages over real HTTP: what they show, escaping, pagination, and who may act. */
class WebPagesIntegrationTests extends ServerIntegrationTest {

	@Autowired
	RunService runs;

	@Test
	void aRefWithHtmlIsShownAsTextOnEveryPage() {
		long run = runs.queue(new RunService.Origin("file:///svsm", "<img src=x onerror=alert(1)>", "a".repeat(40), "push"),
				WebFixtures.pipeline("build"));
		HttpApi anonymous = HttpApi.anonymous(baseUrl());

		for (String page : new String[] { "/", "/runs", "/runs/" + run }) {
			HttpApi.Response response = anonymous.get(page);
			assertThat(response.status()).as(page).isEqualTo(200);
			assertThat(response.body()).as(page).contains("&lt;img src=x onerror=alert(1)&gt;").doesNotContain("<img src=x");
		}
	}

	@Test
	void aRunFromAPullRequestShowsItsAuthorAndTitleAsText() {
		long run = runs.queue(new RunService.Origin("file:///svsm", "refs/pull/7/head", "c".repeat(40), "pull_request"),
				WebFixtures.pipeline("build"));
		db.sql("""
				insert into github_run (run_id, repository, event, pull_request, author, title, head_repository, head_sha)
				values (?, 'coconut-svsm/svsm', 'pull_request', 7, 'octocat', '<b>Fix</b> the IPI panic', 'octocat/svsm', ?)""")
			.params(run, "c".repeat(40))
			.update();

		String page = HttpApi.anonymous(baseUrl()).get("/runs/" + run).body();

		assertThat(page).contains("octocat").contains("#7").contains("&lt;b&gt;Fix&lt;/b&gt; the IPI panic")
			.contains("from octocat/svsm").doesNotContain("<b>Fix</b>");
	}

	@Test
	void theRunsListFiltersAndPagesByKeyset() {
		for (int i = 0; i < 60; i++) {
			runs.queue(new RunService.Origin("file:///svsm", i % 2 == 0 ? "main" : "topic", "b".repeat(40), "api"),
					WebFixtures.pipeline("build"));
		}
		HttpApi anonymous = HttpApi.anonymous(baseUrl());

		String first = anonymous.get("/runs").body();
		String topic = anonymous.get("/runs?ref=topic&state=queued").body();

		assertThat(first.split("id=\"run-", -1)).hasSize(51);
		assertThat(first).contains("Older runs");
		assertThat(topic.split("id=\"run-", -1)).hasSize(31);
		assertThat(topic).doesNotContain(">main<");
		String next = first.substring(first.indexOf("/runs?"), first.indexOf("\"", first.indexOf("/runs?"))).replace("&amp;", "&");
		assertThat(anonymous.get(next).body().split("id=\"run-", -1)).hasSize(11);
	}

	@Test
	void theOverviewCountsQueuedJobsPerClassAndPlacesEachInLine() {
		runs.queue(new RunService.Origin("file:///svsm", "main", "a".repeat(40), "api"), WebFixtures.pipeline("a", "b", "c", "d"));
		new HttpAgent(baseUrl(), "milan-1", Map.of("sev_snp", "true"));

		String page = HttpApi.anonymous(baseUrl()).get("/").body();

		assertThat(page).contains("3 jobs ahead").contains("2 jobs ahead").contains("1 job ahead").contains(">next<");
		assertThat(page).contains("no finished job of this class yet").contains("1 online");
	}

	@Test
	void actionsNeedTheirRoleAndAnonymousOrViewerPostsAreRefused() {
		long run = runs.queue(new RunService.Origin("file:///svsm", "main", "a".repeat(40), "api"), WebFixtures.pipeline("a"));
		long host = new HttpAgent(baseUrl(), "milan-1", Map.of()).hostId;

		assertThat(HttpApi.anonymous(baseUrl()).post("/runs/" + run + "/cancel", "").status()).isIn(401, 403);
		assertThat(HttpApi.basic(baseUrl(), "viewer", USER_PASSWORD).post("/runs/" + run + "/cancel", "").status()).isEqualTo(403);
		assertThat(HttpApi.basic(baseUrl(), "maintainer", USER_PASSWORD).post("/hosts/" + host + "/drain", "").status()).isEqualTo(403);
		assertThat(db.sql("select state from run where id = ?").param(run).query(String.class).single()).isEqualTo("queued");

		assertThat(HttpApi.basic(baseUrl(), "maintainer", USER_PASSWORD).post("/runs/" + run + "/cancel", "").status()).isEqualTo(302);
		assertThat(db.sql("select state from run where id = ?").param(run).query(String.class).single()).isEqualTo("canceled");
	}

	@Test
	void theHostsPageShowsProbedFactsLabelsTheCurrentJobAndTheLastDay() {
		runs.queue(new RunService.Origin("file:///svsm", "main", "a".repeat(40), "api"), WebFixtures.pipeline("boot", "later"));
		HttpAgent agent = new HttpAgent(baseUrl(), "genoa-7", Map.of("sev_snp", "true",
				"cpu.generation", "genoa", "snp.firmware", "1.55.31", "kernel.release", "6.11.0-snp", "qemu.version", "9.1.0"));
		long done = agent.claim();
		agent.finish(done, "passed", null);
		long running = agent.claim();
		// The agent heartbeats its job, as a real one does: on a busy machine the pages may take longer than a lease.
		var alive = agent.keepAlive(running);
		HttpApi anonymous = HttpApi.anonymous(baseUrl());
		try {
			String list = anonymous.get("/hosts").body();
			String page = anonymous.get("/hosts/" + agent.hostId).body();

			assertThat(list).contains("genoa-7", "genoa", "1.55.31", "6.11.0-snp", "9.1.0", ">later<", ">online<");
			assertThat(page).contains(">boot<", ">later<", "/jobs/" + done, "/jobs/" + running, "Jobs (24 h)");
		}
		finally {
			alive.shutdownNow();
		}
	}

	@Test
	void aMissingRunJobOrHostPageSaysWhatWasNotFoundInHtmlWhileTheApiKeepsAnsweringJson() {
		HttpApi anonymous = HttpApi.anonymous(baseUrl());

		for (String[] page : new String[][] { { "/runs/999999", "no run with id 999999" },
				{ "/jobs/999999", "no job with id 999999" }, { "/hosts/999999", "no host with id 999999" } }) {
			HttpApi.Response response = anonymous.get(page[0]);
			assertThat(response.status()).as(page[0]).isEqualTo(404);
			assertThat(response.body()).as(page[0]).contains("<title>Not found · snplab</title>")
				.contains("<p id=\"not-found\">" + page[1] + "</p>").contains("href=\"/runs\"");
		}
		HttpApi.Response api = anonymous.get("/api/jobs/999999");
		assertThat(api.status()).isEqualTo(404);
		assertThat(api.json().get("status").asInt()).isEqualTo(404);
		assertThat(api.json().get("detail").asString()).isEqualTo("no job with id 999999");
		assertThat(anonymous.get("/api/runs/999999").json().get("detail").asString()).isEqualTo("no run with id 999999");
		assertThat(anonymous.get("/api/hosts/999999").json().get("status").asInt()).isEqualTo(404);
	}
}
