package org.snplab.github;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.snplab.support.HttpAgent;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

class GithubPushIntegrationTests extends GithubIntegrationTest {

	@Autowired
	Reconciler reconciler;

	@Test
	void aSignedPushRunsThePipelineAndReportsEachJobToGithub() {
		String sha = commitOn(svsmDirectory, "e2e", Map.of(".snplab.yml", PIPELINE));

		assertThat(deliverAndProcess("push", TestPayloads.push(SVSM, "e2e", sha))).matches("queued run \\d+ with 2 job\\(s\\)");
		await(() -> github.statuses().size() == 2);
		assertThat(github.statuses()).allSatisfy(call -> {
			assertThat(call.path()).isEqualTo("/repos/" + SVSM + "/statuses/" + sha);
			assertThat(call.authorization()).isEqualTo("Bearer " + FakeGithubApi.TOKEN);
			assertThat(call.accept()).isEqualTo("application/vnd.github+json");
			assertThat(call.apiVersion()).isEqualTo("2022-11-28");
			assertThat(call.body().get("state").asString()).isEqualTo("pending");
			assertThat(call.body().get("description").asString()).startsWith("no matching host");
		});

		HttpAgent agent = new HttpAgent(baseUrl(), "genoa-1", Map.of());
		JsonNode build = agent.poll();
		assertThat(build.get("name").asString()).isEqualTo("build");
		agent.finish(build, "passed", "", 0);
		JsonNode test = agent.poll();
		agent.finish(test, "failed", "step 2 exited 1", 1);
		assertThat(agent.poll()).isNull();

		await(() -> github.statuses().size() == 4);
		Map<String, JsonNode> last = lastByContext();
		long buildJob = jobId("build");
		long testJob = jobId("test");
		assertThat(last.get("snplab/build").get("state").asString()).isEqualTo("success");
		assertThat(last.get("snplab/build").get("target_url").asString()).isEqualTo("http://snplab.test/jobs/" + buildJob);
		assertThat(last.get("snplab/test").get("state").asString()).isEqualTo("failure");
		assertThat(last.get("snplab/test").get("description").asString()).isEqualTo("failed: step 2 exited 1");
		assertThat(last.get("snplab/test").get("target_url").asString()).isEqualTo("http://snplab.test/jobs/" + testJob);

		long runId = db.sql("select run_id from job where id = ?").param(buildJob).query(Long.class).single();
		String page = org.snplab.support.HttpApi.anonymous(baseUrl()).get("/runs/" + runId).body();
		assertThat(page).as("the commit message, as text").contains("pusher")
			.contains("Fix &lt;script&gt;alert(1)&lt;/script&gt; in the IPI path").doesNotContain("<script>alert(1)");
	}

	@Test
	void aSecondPushToABranchCancelsTheFirstRunButNotOnAProtectedBranch() {
		String first = commitOn(svsmDirectory, "topic", Map.of(".snplab.yml", PIPELINE));
		deliverAndProcess("push", TestPayloads.push(SVSM, "topic", first));
		String second = commitOn(svsmDirectory, "topic", Map.of(".snplab.yml", PIPELINE, "change", "1"));
		deliverAndProcess("push", TestPayloads.push(SVSM, "topic", second));

		assertThat(jobReasons(first)).containsOnly("superseded by " + second);
		assertThat(runState(first)).isEqualTo("canceled");
		assertThat(runState(second)).isEqualTo("queued");

		String mainFirst = commitOn(svsmDirectory, "main", Map.of(".snplab.yml", PIPELINE, "main", "1"));
		deliverAndProcess("push", TestPayloads.push(SVSM, "main", mainFirst));
		String mainSecond = commitOn(svsmDirectory, "main", Map.of(".snplab.yml", PIPELINE, "main", "2"));
		deliverAndProcess("push", TestPayloads.push(SVSM, "main", mainSecond));

		assertThat(runState(mainFirst)).isEqualTo("queued");
		assertThat(runState(mainSecond)).isEqualTo("queued");
	}

	@Test
	void aCommitWithoutPipelineQueuesNothingAndSaysSo() {
		String commit = commitOn(svsmDirectory, "no-pipeline", Map.of("other", "x"));

		assertThat(deliverAndProcess("push", TestPayloads.push(SVSM, "no-pipeline", commit))).startsWith("no pipeline");
		await(() -> github.statuses().size() == 1);
		assertThat(github.statuses().get(0).body().get("description").asString()).contains("no .snplab.yml");
		assertThat(db.sql("select count(*) from run").query(Integer.class).single()).isZero();
	}

	@Test
	void anInvalidPipelineIsARunInErrorWithTheParseErrorAsStatus() {
		String sha = commitOn(svsmDirectory, "broken", Map.of(".snplab.yml", "jobs: [ nope ]\n"));

		assertThat(deliverAndProcess("push", TestPayloads.push(SVSM, "broken", sha))).startsWith("invalid pipeline");
		assertThat(runState(sha)).isEqualTo("error");
		await(() -> github.statuses().size() == 1);
		JsonNode status = github.statuses().get(0).body();
		assertThat(status.get("state").asString()).isEqualTo("error");
		assertThat(status.get("context").asString()).isEqualTo("snplab");
		assertThat(status.get("description").asString()).startsWith("invalid .snplab.yml: ").hasSizeLessThanOrEqualTo(140);
	}

	@Test
	void theReconcilerStartsRunsForBranchHeadsItMissed() {
		String sha = commitOn(svsmDirectory, "missed", Map.of(".snplab.yml", PIPELINE));
		github.branches("[{\"name\": \"missed\", \"commit\": {\"sha\": \"" + sha + "\"}}]");

		reconciler.reconcile();

		assertThat(runState(sha)).isEqualTo("queued");
		reconciler.reconcile();
		assertThat(db.sql("select count(*) from run where commit_sha = ?").param(sha).query(Integer.class).single()).isEqualTo(1);
	}

	@Test
	void theReconcilerFollowsGithubsPagesOfBranchesAndPullRequests() {
		String first = commitOn(svsmDirectory, "paged-1", Map.of(".snplab.yml", PIPELINE));
		String second = commitOn(svsmDirectory, "paged-2", Map.of(".snplab.yml", PIPELINE, "two", "2"));
		String pull = commitOn(svsmDirectory, "paged-pr", Map.of(".snplab.yml", PIPELINE, "pr", "1"));
		pullRequestRef(svsmDirectory, 31, pull);
		github.branches("[{\"name\": \"paged-1\", \"commit\": {\"sha\": \"" + first + "\"}}]",
				"[{\"name\": \"paged-2\", \"commit\": {\"sha\": \"" + second + "\"}}]");
		github.pulls("[]", "[{\"number\": 31, \"title\": \"t\", \"draft\": false, \"author_association\": \"MEMBER\","
				+ "\"user\": {\"login\": \"maintainer\"}, \"head\": {\"sha\": \"" + pull + "\", \"repo\": {\"full_name\": \"" + SVSM
				+ "\"}}, \"base\": {\"ref\": \"main\"}}]");

		reconciler.reconcile();

		assertThat(runState(first)).isEqualTo("queued");
		assertThat(runState(second)).isEqualTo("queued");
		assertThat(runState(pull)).isEqualTo("queued");
		assertThat(github.calls().stream().filter(call -> call.path().startsWith("/repos/" + SVSM + "/"))
			.map(FakeGithubApi.Call::path)).contains("/repos/" + SVSM + "/branches?per_page=100&page=2",
					"/repos/" + SVSM + "/pulls?state=open&per_page=100&page=2");
	}

	private Map<String, JsonNode> lastByContext() {
		Map<String, JsonNode> last = new java.util.HashMap<>();
		github.statuses().forEach(call -> last.put(call.body().get("context").asString(), call.body()));
		return last;
	}

	private long jobId(String name) {
		return db.sql("select id from job where name = ?").param(name).query(Long.class).single();
	}

	private String runState(String sha) {
		return db.sql("select state from run where commit_sha = ?").param(sha).query(String.class).single();
	}

	private List<String> jobReasons(String sha) {
		return db.sql("select j.reason from job j join run r on r.id = j.run_id where r.commit_sha = ?")
			.param(sha).query(String.class).list();
	}
}
