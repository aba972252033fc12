package org.snplab.github;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.RefusedException;
import org.snplab.git.GitRepositories;
import org.snplab.pipeline.Pipeline;
import org.snplab.pipeline.PipelineException;
import org.snplab.pipeline.PipelineParser;
import org.snplab.pipeline.Triggers;
import org.snplab.queue.JobQueue;
import org.snplab.queue.RunService;
import org.snplab.repositories.Repository;

import org.springframework.stereotype.Component;

/**
 * Starts the run a head calls for, by the same rules whichever way we heard of it: read {@code .snplab.yml} at
 * that exact commit, apply its {@code on:} filters, hold untrusted pull requests for approval, cancel what the new
 * commit supersedes. Called inside the caller's transaction, so the run, its {@code github_run} row and its first
 * commit statuses commit together.
 */
@Component
class RunStarter {

	static final String PIPELINE_FILE = ".snplab.yml";

	private static final Logger log = LoggerFactory.getLogger(RunStarter.class);

	private final GitRepositories git;

	private final RunService runs;

	private final JobQueue queue;

	private final GithubRuns githubRuns;

	private final StatusOutbox statuses;

	RunStarter(GitRepositories git, RunService runs, JobQueue queue, GithubRuns githubRuns, StatusOutbox statuses) {
		this.git = git;
		this.runs = runs;
		this.queue = queue;
		this.githubRuns = githubRuns;
		this.statuses = statuses;
	}

	/** @return what happened, for the delivery's recorded outcome */
	String start(Head announced) {
		Repository repository = announced.repository();
		githubRuns.markSeen(repository.name(), announced.sha());
		Head head;
		Optional<String> text;
		try {
			String fetched = git.resolve(repository.cloneUrl(), announced.fetchRef());
			// A pushed annotated tag names the tag object; runs and statuses are about the commit it points to.
			head = announced.pullRequest() == null ? announced.withSha(fetched) : announced;
			text = git.readFile(repository.cloneUrl(), head.sha(), PIPELINE_FILE);
		}
		catch (RefusedException ex) {
			log.warn("Can't read {} of {} at {}: {}", PIPELINE_FILE, repository.name(), announced.sha(), ex.getMessage());
			return "error: " + ex.getMessage();
		}
		githubRuns.markSeen(repository.name(), head.sha());
		RunService.Origin origin = new RunService.Origin(repository.cloneUrl(), head.ref(), head.sha(), head.event(),
				priorityClass(head), head.author(), head.trusted());
		if (text.isEmpty()) {
			statuses.write(repository.name(), head.sha(), "snplab", "success", "no " + PIPELINE_FILE + " at this commit: nothing to run", null);
			return "no pipeline: no " + PIPELINE_FILE + " at " + head.sha();
		}
		Pipeline pipeline;
		try {
			pipeline = PipelineParser.parse(text.get());
		}
		catch (PipelineException ex) {
			long runId = runs.fail(origin, ex.getMessage());
			githubRuns.insert(runId, head);
			statuses.write(repository.name(), head.sha(), "snplab", "error", "invalid " + PIPELINE_FILE + ": " + ex.getMessage(),
					statuses.runUrl(runId));
			return "invalid pipeline: run " + runId + " recorded as error: " + ex.getMessage();
		}
		Optional<String> skipped = notTriggered(pipeline.on(), head);
		if (skipped.isPresent()) {
			return "not triggered: " + skipped.get();
		}
		cancelSuperseded(head);
		boolean hold = !head.trusted() && head.pullRequest() != null && (repository.reapproveOnPush()
				|| !githubRuns.anyApproved(repository.name(), head.pullRequest()));
		long runId = hold ? runs.hold(origin, pipeline) : runs.queue(origin, pipeline);
		githubRuns.insert(runId, head);
		statuses.writeRun(runId);
		return (hold ? "held run " + runId + " for approval (author " + head.author() + " is not trusted)"
				: "queued run " + runId) + " with " + pipeline.jobs().size() + " job(s)";
	}

	/** Pushes to protected branches go first, then API runs, pull requests, other pushes, scheduled runs. */
	private static String priorityClass(Head head) {
		if (head.pullRequest() != null) {
			return "pull-request";
		}
		return head.tag() == null && head.repository().isProtected(head.branch()) ? "protected-push" : "push";
	}

	private static Optional<String> notTriggered(Triggers on, Head head) {
		if (head.pullRequest() != null) {
			if (on.pullRequest() == null) {
				return Optional.of("the pipeline has no on.pull_request");
			}
			if (!on.pullRequest().matchesBase(head.branch())) {
				return Optional.of("base branch " + head.branch() + " doesn't match on.pull_request.branches");
			}
			if (head.draft() && !on.pullRequest().drafts()) {
				return Optional.of("draft pull request (on.pull_request.drafts is false)");
			}
			return Optional.empty();
		}
		if (on.push() == null) {
			return Optional.of("the pipeline has no on.push");
		}
		if (head.tag() != null) {
			return on.push().matchesTag(head.tag()) ? Optional.empty()
					: Optional.of("tag " + head.tag() + " doesn't match on.push.tags");
		}
		return on.push().matchesBranch(head.branch()) ? Optional.empty()
				: Optional.of("branch " + head.branch() + " doesn't match on.push.branches");
	}

	/** A new commit on a branch or pull request makes its older runs moot; protected branches keep every run. */
	private void cancelSuperseded(Head head) {
		if (head.tag() != null || (head.pullRequest() == null && head.repository().isProtected(head.branch()))) {
			return;
		}
		for (long older : githubRuns.olderUnfinished(head)) {
			log.info("Run {} of {} superseded by {}", older, head.repository().name(), head.sha());
			queue.cancelRun(older, "superseded by " + head.sha());
		}
	}
}
