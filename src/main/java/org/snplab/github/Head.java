package org.snplab.github;

import org.snplab.repositories.Repository;

/**
 * A commit GitHub told us about (or the reconciler found) that may need a run, with what the trigger rules and
 * trust gating look at.
 *
 * @param event what brought it: push, pull_request, issue_comment, check_suite or reconcile
 * @param fetchRef what to fetch from the clone URL to get the commit (the sha itself, or refs/pull/N/head)
 * @param branch the pushed branch, or a pull request's base branch
 * @param tag the pushed tag (then branch is null)
 * @param pullRequest the pull request number, or null for a push
 * @param trusted whether the author may run code on the lab's hosts without a maintainer's approval
 */
record Head(Repository repository, String event, String sha, String fetchRef, String branch,
		String tag, Integer pullRequest, boolean draft, String author, String title, String headRepository,
		boolean trusted) {

	static Head branchPush(Repository repository, String event, String sha, String branch,
			String author) {
		return new Head(repository, event, sha, sha, branch, null, null, false, author, null, repository.name(), true);
	}

	static Head pullRequest(Repository repository, String event, String sha, int number, String base,
			boolean draft, String author, String title, String headRepository, boolean trusted) {
		return new Head(repository, event, sha, "refs/pull/" + number + "/head", base, null, number, draft, author,
				title, headRepository, trusted);
	}

	/** What the run's ref says: the branch, the tag, or the pull request's head ref. */
	String ref() {
		return pullRequest != null ? "refs/pull/" + pullRequest + "/head" : tag != null ? "refs/tags/" + tag : branch;
	}

	Head withEvent(String newEvent, boolean nowTrusted) {
		return new Head(repository, newEvent, sha, fetchRef, branch, tag, pullRequest, draft, author, title,
				headRepository, nowTrusted);
	}

	/** A push's title: the first line of its head commit's message, shown on the run page. */
	Head withTitle(String message) {
		String firstLine = message == null ? null : message.lines().findFirst().orElse(null);
		return new Head(repository, event, sha, fetchRef, branch, tag, pullRequest, draft, author, firstLine,
				headRepository, trusted);
	}

	Head withSha(String commit) {
		return new Head(repository, event, commit, fetchRef, branch, tag, pullRequest, draft, author, title,
				headRepository, trusted);
	}
}
