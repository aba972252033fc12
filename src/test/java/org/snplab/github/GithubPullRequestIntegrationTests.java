package org.snplab.github;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.snplab.support.HttpAgent;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class GithubPullRequestIntegrationTests extends GithubIntegrationTest {

	@Test
	void aForkPullRequestFromAnUntrustedAuthorWaitsForAMembersOkToTest() {
		String sha = forkCommit("fork-change", 7);
		HttpAgent agent = new HttpAgent(baseUrl(), "milan-1", Map.of());

		assertThat(deliverAndProcess("pull_request", TestPayloads.pullRequest(SVSM, "opened", 7, sha, "stranger", "CONTRIBUTOR")))
			.startsWith("held run").contains("stranger is not trusted");
		assertThat(agent.poll()).isNull();
		await(() -> github.statuses().size() == 2);
		assertThat(github.statuses()).allSatisfy(call -> {
			assertThat(call.body().get("state").asString()).isEqualTo("pending");
			assertThat(call.body().get("description").asString()).isEqualTo("waiting for approval");
		});

		assertThat(deliverAndProcess("issue_comment", TestPayloads.comment(SVSM, 7, "/ok-to-test", "passer-by", "NONE")))
			.isEqualTo("ignored: /ok-to-test from untrusted user passer-by");
		assertThat(agent.poll()).isNull();

		assertThat(deliverAndProcess("issue_comment", TestPayloads.comment(SVSM, 7, "/ok-to-test", "maintainer", "MEMBER")))
			.startsWith("approved run(s)");
		JsonNode job = agent.poll();
		assertThat(job).isNotNull();
		assertThat(job.get("commit").asString()).isEqualTo(sha);
		await(() -> github.statuses().size() == 4);
	}

	@Test
	void aNewPushToAnApprovedUntrustedPullRequestNeedsApprovalAgainAndSupersedesTheOldRun() {
		String first = forkCommit("fork-sync", 8);
		deliverAndProcess("pull_request", TestPayloads.pullRequest(SVSM, "opened", 8, first, "stranger", "NONE"));
		deliverAndProcess("issue_comment", TestPayloads.comment(SVSM, 8, "/ok-to-test", "maintainer", "OWNER"));
		String second = commitOn(svsmDirectory, "fork-sync", Map.of("more", "1"));
		pullRequestRef(svsmDirectory, 8, second);

		assertThat(deliverAndProcess("pull_request", TestPayloads.pullRequest(SVSM, "synchronize", 8, second, "stranger", "NONE")))
			.startsWith("held run");
		assertThat(runState(first)).isEqualTo("canceled");
		assertThat(runState(second)).isEqualTo("waiting");
	}

	@Test
	void aTrustedUsersPullRequestRunsAtOnceAndClosingItCancelsTheRun() {
		String sha = forkCommit("friend-change", 9);

		assertThat(deliverAndProcess("pull_request", TestPayloads.pullRequest(SVSM, "opened", 9, sha, "trusted-friend", "NONE")))
			.startsWith("queued run");
		assertThat(deliverAndProcess("pull_request", TestPayloads.pullRequest(SVSM, "closed", 9, sha, "trusted-friend", "NONE")))
			.startsWith("canceled run(s)");
		assertThat(runState(sha)).isEqualTo("canceled");
	}

	@Test
	void retestFromAMaintainerQueuesANewRunOfTheHead() {
		String sha = forkCommit("retested", 10);
		deliverAndProcess("pull_request", TestPayloads.pullRequest(SVSM, "opened", 10, sha, "maintainer", "COLLABORATOR"));

		assertThat(deliverAndProcess("issue_comment", TestPayloads.comment(SVSM, 10, "/retest", "maintainer", "MEMBER")))
			.startsWith("/retest from maintainer: queued run");
		assertThat(db.sql("select count(*) from run where commit_sha = ?").param(sha).query(Integer.class).single()).isEqualTo(2);
	}

	@Test
	void retestAfterAFailureRequeuesOnlyTheFailedJobAndReportsItPendingAgain() {
		String sha = forkCommit("flaky", 11);
		deliverAndProcess("pull_request", TestPayloads.pullRequest(SVSM, "opened", 11, sha, "maintainer", "COLLABORATOR"));
		HttpAgent agent = new HttpAgent(baseUrl(), "milan-1", Map.of());
		JsonNode failed = agent.poll();
		agent.finish(failed, "failed", "exit 2", 2);
		agent.finish(agent.poll(), "passed", "", 0);
		String context = "snplab/" + failed.get("name").asString();
		// Both jobs' final statuses have gone out, so whatever is sent after the reset is the retry's.
		await(() -> github.statuses().stream().filter(call -> call.path().endsWith(sha))
			.map(call -> call.body().get("state").asString()).filter(state -> !state.equals("pending")).count() == 2);
		github.reset();

		assertThat(deliverAndProcess("issue_comment", TestPayloads.comment(SVSM, 11, "/retest", "maintainer", "MEMBER")))
			.startsWith("/retest from maintainer: queued run").contains("retrying the failed jobs of run");

		long retry = db.sql("select id from run where trigger = 'retry' and commit_sha = ?").param(sha).query(Long.class).single();
		assertThat(db.sql("select name from job where run_id = ?").param(retry).query(String.class).list())
			.containsExactly(failed.get("name").asString());
		assertThat(db.sql("select pull_request from github_run where run_id = ?").param(retry).query(Integer.class).single())
			.isEqualTo(11);
		await(() -> !github.statuses().isEmpty());
		assertThat(github.statuses()).singleElement().satisfies(call -> {
			assertThat(call.path()).endsWith("/statuses/" + sha);
			assertThat(call.body().get("context").asString()).isEqualTo(context);
			assertThat(call.body().get("state").asString()).isEqualTo("pending");
		});
		JsonNode again = agent.poll();
		assertThat(again.get("name").asString()).isEqualTo(failed.get("name").asString());
	}

	/** A commit that exists in the base repository only as refs/pull/N/head, as a fork's commit does on GitHub. */
	private String forkCommit(String branch, int number) {
		String sha = commitOn(svsmDirectory, branch, Map.of(".snplab.yml", PIPELINE));
		pullRequestRef(svsmDirectory, number, sha);
		return sha;
	}

	private String runState(String sha) {
		return db.sql("select state from run where commit_sha = ?").param(sha).query(String.class).single();
	}
}
