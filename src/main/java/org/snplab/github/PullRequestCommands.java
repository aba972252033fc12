package org.snplab.github;

import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.snplab.queue.JobQueue;
import org.snplab.queue.RunService;
import org.snplab.repositories.Repository;

import org.springframework.stereotype.Component;

/** What maintainers ask for on a pull request: approve, retest, cancel. */
@Component
class PullRequestCommands {

	private static final Logger log = LoggerFactory.getLogger(PullRequestCommands.class);

	private final GithubRuns githubRuns;

	private final RunService runs;

	private final JobQueue queue;

	private final RunStarter starter;

	PullRequestCommands(GithubRuns githubRuns, RunService runs, JobQueue queue, RunStarter starter) {
		this.githubRuns = githubRuns;
		this.runs = runs;
		this.queue = queue;
		this.starter = starter;
	}

	String approve(Repository repository, int number, String why) {
		List<Long> held = githubRuns.heldOfPull(repository.name(), number);
		for (long runId : held) {
			runs.approve(runId);
			githubRuns.markApproved(runId);
		}
		return held.isEmpty() ? "nothing to approve on #" + number : "approved run(s) " + held + " (" + why + ")";
	}

	/**
	 * Runs again only what failed in the pull request's newest run; when nothing did (or it is still going), falls
	 * back to a whole new run of the newest head, trusted since a maintainer asked.
	 */
	String retest(Repository repository, int number, String login) {
		Optional<Long> latest = githubRuns.latestRunOfPull(repository.name(), number);
		if (latest.isPresent()) {
			// Asked first: retryFailed's refusal would mark the delivery's whole transaction for rollback.
			Optional<String> why = runs.whyNotRetryable(latest.get());
			if (why.isEmpty()) {
				long retry = runs.retryFailed(latest.get());
				return "/retest from " + login + ": queued run " + retry + " retrying the failed jobs of run " + latest.get();
			}
			log.info("/retest on {}#{}: {}; starting a new run of the head instead", repository.name(), number, why.get());
		}
		return githubRuns.latestOfPull(repository, number)
			.map(head -> "/retest from " + login + ": " + starter.start(head.withEvent("issue_comment", true)))
			.orElse("nothing to retest: no earlier run of #" + number);
	}

	String cancel(Repository repository, int number, String why) {
		List<Long> unfinished = githubRuns.unfinishedOfPull(repository.name(), number);
		unfinished.forEach(runId -> queue.cancelRun(runId, "canceled: " + why));
		return unfinished.isEmpty() ? "nothing to cancel on #" + number : "canceled run(s) " + unfinished + " (" + why + ")";
	}
}
