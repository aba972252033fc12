package org.snplab.github;

import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class GithubPullRequestIntegrationTests extends GithubIntegrationTest {

	@Test
	void aForkPullRequestFromAnUntrustedAuthorWaitsForAMembersOkToTest() {
		String sha = forkCommit("fork-change", 7);
		TestAgent agent = TestAgent.register(baseUrl(), "milan-1");

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
