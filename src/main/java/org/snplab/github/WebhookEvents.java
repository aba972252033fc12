package org.snplab.github;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.repositories.Repository;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

import static org.snplab.github.Payloads.flag;
import static org.snplab.github.Payloads.number;
import static org.snplab.github.Payloads.text;

/** What each webhook event means for snplab; every path returns the outcome recorded on the delivery. */
@Component
class WebhookEvents {

	private static final Logger log = LoggerFactory.getLogger(WebhookEvents.class);

	private final RunStarter starter;

	private final PullRequestCommands commands;

	private final GithubRuns githubRuns;

	WebhookEvents(RunStarter starter, PullRequestCommands commands, GithubRuns githubRuns) {
		this.starter = starter;
		this.commands = commands;
		this.githubRuns = githubRuns;
	}

	/** What happened; a field of the wrong type gives "error: push: `deleted` is not a boolean", recorded as is. */
	String handle(String event, JsonNode payload, Repository repository) {
		try {
			return dispatch(event, payload, repository);
		}
		catch (MalformedPayloadException ex) {
			return "error: " + event + ": " + ex.getMessage();
		}
	}

	private String dispatch(String event, JsonNode payload, Repository repository) {
		return switch (event) {
			case "ping" -> "pong: " + text(payload, "zen");
			case "push" -> push(payload, repository);
			case "pull_request" -> pullRequest(payload, repository);
			case "issue_comment" -> comment(payload, repository);
			case "check_suite" -> checkSuite(payload, repository);
			default -> "ignored: snplab does not act on " + event + " events";
		};
	}

	private String push(JsonNode payload, Repository repository) {
		String ref = text(payload, "ref");
		String sha = text(payload, "after");
		if (flag(payload, "deleted")) {
			return "ignored: " + ref + " was deleted";
		}
		if (ref == null || sha == null || !sha.matches("[0-9a-f]{40}")) {
			return "ignored: push without ref or after commit";
		}
		String pusher = text(payload, "pusher", "name");
		if (ref.startsWith("refs/tags/")) {
			Head head = new Head(repository, "push", sha, sha, null, ref.substring("refs/tags/".length()), null, false,
					pusher, null, repository.name(), true);
			return starter.start(head);
		}
		if (!ref.startsWith("refs/heads/")) {
			return "ignored: push to " + ref;
		}
		return starter.start(Head.branchPush(repository, "push", sha, ref.substring("refs/heads/".length()), pusher)
			.withTitle(text(payload, "head_commit", "message")));
	}

	private String pullRequest(JsonNode payload, Repository repository) {
		String action = String.valueOf(text(payload, "action"));
		JsonNode pr = Payloads.at(payload, "pull_request");
		Integer number = number(payload, "pull_request", "number");
		if (pr == null || number == null) {
			return "ignored: pull_request event without a pull request";
		}
		switch (action) {
			case "opened", "synchronize", "reopened", "ready_for_review" -> {
				return starter.start(head(repository, "pull_request", pr, number));
			}
			case "closed" -> {
				return commands.cancel(repository, number, "pull request #" + number + " closed");
			}
			case "labeled" -> {
				String label = text(payload, "label", "name");
				return repository.approveLabel().equals(label)
						? commands.approve(repository, number, "label " + label + " added by " + text(payload, "sender", "login"))
						: "ignored: label " + label + " is not the approve label";
			}
			default -> {
				return "ignored: pull_request action " + action;
			}
		}
	}

	static Head head(Repository repository, String event, JsonNode pr, int number) {
		String author = text(pr, "user", "login");
		return Head.pullRequest(repository, event, Payloads.commit(pr, "head", "sha"), number, text(pr, "base", "ref"),
				flag(pr, "draft"), author, text(pr, "title"), text(pr, "head", "repo", "full_name"),
				repository.trusts(author, text(pr, "author_association")));
	}

	private String comment(JsonNode payload, Repository repository) {
		Integer number = number(payload, "issue", "number");
		if (!"created".equals(text(payload, "action")) || Payloads.at(payload, "issue", "pull_request") == null
				|| number == null) {
			return "ignored: not a new comment on a pull request";
		}
		String body = String.valueOf(text(payload, "comment", "body")).strip();
		String command = body.lines().findFirst().orElse("").strip().split("\\s+")[0];
		if (!command.equals("/ok-to-test") && !command.equals("/retest") && !command.equals("/cancel")) {
			return "ignored: no command";
		}
		String login = text(payload, "comment", "user", "login");
		if (!repository.trusts(login, text(payload, "comment", "author_association"))) {
			log.info("Ignoring {} on {}#{} from {}: not a trusted user", command, repository.name(), number, login);
			return "ignored: " + command + " from untrusted user " + login;
		}
		return switch (command) {
			case "/ok-to-test" -> commands.approve(repository, number, "/ok-to-test from " + login);
			case "/retest" -> commands.retest(repository, number, login);
			default -> commands.cancel(repository, number, "/cancel from " + login);
		};
	}

	private String checkSuite(JsonNode payload, Repository repository) {
		if (!"rerequested".equals(text(payload, "action"))) {
			return "ignored: check_suite action " + text(payload, "action");
		}
		String sha = Payloads.commit(payload, "check_suite", "head_sha");
		String sender = text(payload, "sender", "login");
		// Only people with write access can re-request checks, so the rerun is trusted.
		Head head = githubRuns.latestOfSha(repository, sha)
			.map(previous -> previous.withEvent("check_suite", true))
			.orElseGet(() -> Head.branchPush(repository, "check_suite", sha, text(payload, "check_suite", "head_branch"), sender));
		return starter.start(head);
	}
}
