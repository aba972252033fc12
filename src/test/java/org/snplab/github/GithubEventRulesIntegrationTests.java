package org.snplab.github;

import java.util.Map;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

class GithubEventRulesIntegrationTests extends GithubIntegrationTest {

	@Autowired
	Reconciler reconciler;

	private static final String TAGGED_PIPELINE = """
			on: { push: { branches: [ main ], tags: [ "v*" ] } }
			jobs:
			  release: { steps: [ "make release" ] }
			""";

	@Test
	void tagPushesRunOnlyWhenThePipelinesTagFiltersMatch() throws Exception {
		String sha = commitOn(svsmDirectory, "tagged", Map.of(".snplab.yml", TAGGED_PIPELINE));
		String release = annotatedTag("v1.0", sha);
		String other = annotatedTag("nightly-1", sha);

		assertThat(deliverAndProcess("push", tagPush("v1.0", release))).startsWith("queued run");
		assertThat(deliverAndProcess("push", tagPush("nightly-1", other)))
			.isEqualTo("not triggered: tag nightly-1 doesn't match on.push.tags");
		assertThat(deliverAndProcess("push", TestPayloads.push(SVSM, "tagged", sha)))
			.isEqualTo("not triggered: branch tagged doesn't match on.push.branches");
		assertThat(db.sql("select ref || ' ' || commit_sha from run").query(String.class).single())
			.isEqualTo("refs/tags/v1.0 " + sha);
	}

	@Test
	void draftPullRequestsWaitUntilReadyForReview() {
		String sha = commitOn(svsmDirectory, "draft", Map.of(".snplab.yml", PIPELINE));
		pullRequestRef(svsmDirectory, 20, sha);
		String opened = TestPayloads.pullRequest(SVSM, "opened", 20, sha, "maintainer", "MEMBER").replace("\"draft\":false", "\"draft\":true");

		assertThat(deliverAndProcess("pull_request", opened)).isEqualTo("not triggered: draft pull request (on.pull_request.drafts is false)");
		assertThat(deliverAndProcess("pull_request", TestPayloads.pullRequest(SVSM, "ready_for_review", 20, sha, "maintainer", "MEMBER")))
			.startsWith("queued run");
	}

	@Test
	void theApproveLabelApprovesAHeldPullRequest() {
		String sha = commitOn(svsmDirectory, "labelled", Map.of(".snplab.yml", PIPELINE));
		pullRequestRef(svsmDirectory, 21, sha);
		deliverAndProcess("pull_request", TestPayloads.pullRequest(SVSM, "opened", 21, sha, "stranger", "FIRST_TIME_CONTRIBUTOR"));
		String labeled = TestPayloads.pullRequest(SVSM, "labeled", 21, sha, "stranger", "NONE")
			.replaceFirst("^\\{", "{\"label\":{\"name\":\"ok-to-test\"},");

		assertThat(deliverAndProcess("pull_request", labeled)).startsWith("approved run(s)");
		assertThat(db.sql("select state from run").query(String.class).single()).isEqualTo("queued");
	}

	@Test
	void aRerequestedCheckSuiteRunsItsHeadAgain() {
		String sha = commitOn(svsmDirectory, "rerun", Map.of(".snplab.yml", PIPELINE));
		deliverAndProcess("push", TestPayloads.push(SVSM, "rerun", sha));
		String rerequested = "{\"action\":\"rerequested\",\"repository\":{\"full_name\":\"" + SVSM + "\"},"
				+ "\"check_suite\":{\"head_sha\":\"" + sha + "\",\"head_branch\":\"rerun\"},\"sender\":{\"login\":\"maintainer\"}}";

		assertThat(deliverAndProcess("check_suite", rerequested)).startsWith("queued run");
		assertThat(db.sql("select count(*) from run where commit_sha = ?").param(sha).query(Integer.class).single()).isEqualTo(2);
	}

	@Test
	void theReconcilerHoldsAMissedPullRequestFromAnUntrustedAuthor() {
		String sha = commitOn(svsmDirectory, "missed-pr", Map.of(".snplab.yml", PIPELINE));
		pullRequestRef(svsmDirectory, 22, sha);
		github.pulls("[{\"number\": 22, \"title\": \"t\", \"draft\": false, \"author_association\": \"NONE\","
				+ "\"user\": {\"login\": \"stranger\"}, \"head\": {\"sha\": \"" + sha + "\", \"repo\": {\"full_name\": \"stranger/svsm\"}},"
				+ "\"base\": {\"ref\": \"main\"}}]");

		reconciler.reconcile();

		assertThat(db.sql("select state from run where commit_sha = ?").param(sha).query(String.class).single()).isEqualTo("waiting");
	}

	private static String tagPush(String tag, String tagObject) {
		return TestPayloads.push(SVSM, "x", tagObject).replace("refs/heads/x", "refs/tags/" + tag);
	}

	private static String annotatedTag(String name, String commit) throws Exception {
		try (Git git = Git.open(svsmDirectory.toFile()); RevWalk walk = new RevWalk(git.getRepository())) {
			return git.tag().setName(name).setAnnotated(true).setMessage(name)
				.setObjectId(walk.parseCommit(ObjectId.fromString(commit))).call().getObjectId().name();
		}
	}
}
