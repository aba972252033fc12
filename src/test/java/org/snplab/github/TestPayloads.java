package org.snplab.github;

import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/** Minimal delivery bodies with the fields GitHub sends and snplab reads, for commits of the local test repos. */
public final class TestPayloads {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private TestPayloads() {
	}

	public static String push(String repository, String branch, String sha) {
		return JSON.writeValueAsString(Map.of("ref", "refs/heads/" + branch, "before", "0".repeat(40), "after", sha,
				"deleted", false, "repository", Map.of("full_name", repository), "pusher", Map.of("name", "pusher"),
				"head_commit", Map.of("id", sha, "message", "Fix <script>alert(1)</script> in the IPI path\n\nLong body")));
	}

	public static String pullRequest(String repository, String action, int number, String sha, String author,
			String association) {
		return JSON.writeValueAsString(Map.of("action", action, "number", number, "repository",
				Map.of("full_name", repository), "sender", Map.of("login", author), "pull_request",
				Map.of("number", number, "title", "A change", "draft", false, "author_association", association,
						"user", Map.of("login", author),
						"head", Map.of("sha", sha, "ref", "feature", "repo", Map.of("full_name", author + "/svsm")),
						"base", Map.of("ref", "main", "repo", Map.of("full_name", repository)))));
	}

	static String comment(String repository, int number, String body, String login, String association) {
		return JSON.writeValueAsString(Map.of("action", "created", "repository", Map.of("full_name", repository),
				"issue", Map.of("number", number, "pull_request", Map.of("url", "https://api.github.com/pulls/" + number)),
				"comment", Map.of("body", body, "author_association", association, "user", Map.of("login", login))));
	}
}
