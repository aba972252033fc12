package org.snplab.github;

import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** Payload fields snplab stores (branch, title, author) holding a NUL: stored as U+2400 "␀", the delivery processed. */
class GithubPayloadTextIntegrationTests extends GithubIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void aPullRequestWithNulInItsTitleAuthorAndBaseBranchIsHeldWithTheFieldsStoredReadably() {
		String sha = commitOn(svsmDirectory, "nul-change", Map.of(".snplab.yml", PIPELINE));
		pullRequestRef(svsmDirectory, 9, sha);
		String payload = JSON.writeValueAsString(Map.of("action", "opened", "number", 9, "repository",
				Map.of("full_name", SVSM), "sender", Map.of("login", "str\0anger"), "pull_request",
				Map.of("number", 9, "title", "Serial \0 console", "draft", false, "author_association", "CONTRIBUTOR",
						"user", Map.of("login", "str\0anger"),
						"head", Map.of("sha", sha, "ref", "feat\0ure", "repo", Map.of("full_name", "str\0anger/svsm")),
						"base", Map.of("ref", "ma\0in", "repo", Map.of("full_name", SVSM)))));

		assertThat(deliverAndProcess("pull_request", payload)).startsWith("held run").contains("str\u2400anger");

		Map<String, Object> stored = db.sql("select branch, author, title, head_repository from github_run").query().singleRow();
		assertThat(stored).containsEntry("branch", "ma\u2400in").containsEntry("author", "str\u2400anger")
			.containsEntry("title", "Serial \u2400 console").containsEntry("head_repository", "str\u2400anger/svsm");
	}

	@Test
	void aPushToABranchWithNulInItsNameIsProcessedNotRetriedForever() {
		String sha = commitOn(svsmDirectory, "nul-push", Map.of(".snplab.yml", PIPELINE));

		String outcome = deliverAndProcess("push", TestPayloads.push(SVSM, "to\0pic", sha));

		assertThat(outcome).matches("queued run \\d+ with 2 job\\(s\\)");
		assertThat(db.sql("select branch from github_run").query(String.class).single()).isEqualTo("to\u2400pic");
	}
}
