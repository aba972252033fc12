package org.snplab.queue;

import java.net.URI;
import java.security.Principal;

import org.snplab.InvalidInputException;
import org.snplab.git.GitRepositories;
import org.snplab.pipeline.Pipeline;
import org.snplab.pipeline.PipelineException;
import org.snplab.pipeline.PipelineParser;
import org.snplab.repositories.Repositories;
import org.snplab.repositories.Repository;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The JSON API for runs and jobs: submit a pipeline, read results, cancel. */
@RestController
class RunController {

	static final String PIPELINE_FILE = ".snplab.yml";

	private final GitRepositories git;

	private final RunService runs;

	private final RunViews views;

	private final JobQueue queue;

	private final Repositories repositories;

	RunController(GitRepositories git, RunService runs, RunViews views, JobQueue queue, Repositories repositories) {
		this.repositories = repositories;
		this.git = git;
		this.runs = runs;
		this.views = views;
		this.queue = queue;
	}

	/** {@code owner/name} of a repository snplab serves: its clone URL; anything else is taken as a clone URL. */
	private String cloneUrl(String repository) {
		if (repository.matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")) {
			return repositories.find(repository).map(Repository::cloneUrl).orElseThrow(() -> new InvalidInputException(
					"no repository " + repository + " is served here (see /api/repositories); or give its clone URL"));
		}
		return repository;
	}

	@PostMapping("/api/runs")
	ResponseEntity<RunViews.RunView> submit(@RequestBody SubmitRequest request, Principal user) {
		if (request.repository() == null || request.repository().isBlank() || request.ref() == null || request.ref().isBlank()) {
			throw new InvalidInputException("both \"repository\" (a clone URL, or owner/name of a repository snplab "
					+ "serves) and \"ref\" (a branch, tag or commit) are required");
		}
		String cloneUrl = cloneUrl(request.repository().strip());
		String commit = git.resolve(cloneUrl, request.ref());
		String text = request.pipeline() != null ? request.pipeline()
				: git.readFile(cloneUrl, commit, PIPELINE_FILE)
					.orElseThrow(() -> new InvalidInputException("no " + PIPELINE_FILE + " in " + request.repository()
							+ " at " + commit + " (" + request.ref() + "): nothing to run"));
		Pipeline pipeline;
		try {
			pipeline = PipelineParser.parse(text);
		}
		catch (PipelineException ex) {
			throw new InvalidInputException(ex.getMessage() + " (" + request.repository() + " at " + commit + ")");
		}
		long id = runs.queue(new RunService.Origin(cloneUrl, request.ref(), commit, "api"), pipeline);
		runs.requestedBy(id, user);
		return ResponseEntity.created(URI.create("/api/runs/" + id)).body(views.run(id));
	}

	@GetMapping("/api/runs/{id}")
	RunViews.RunView run(@PathVariable long id) {
		return views.run(id);
	}

	@GetMapping("/api/jobs/{id}")
	RunViews.JobView job(@PathVariable long id) {
		return views.job(id);
	}

	@PostMapping("/api/jobs/{id}/cancel")
	RunViews.JobView cancelJob(@PathVariable long id) {
		queue.cancelJob(id, "canceled by a user");
		return views.job(id);
	}

	@PostMapping("/api/runs/{id}/cancel")
	RunViews.RunView cancelRun(@PathVariable long id) {
		queue.cancelRun(id, "canceled by a user");
		return views.run(id);
	}

	@PostMapping("/api/runs/{id}/approve")
	RunViews.RunView approve(@PathVariable long id) {
		runs.approve(id);
		return views.run(id);
	}

	/** A new run of the jobs that didn't pass; 201 with the new run. */
	@PostMapping("/api/runs/{id}/retry")
	ResponseEntity<RunViews.RunView> retry(@PathVariable long id, Principal user) {
		long retryId = runs.retryFailed(id);
		runs.requestedBy(retryId, user);
		return ResponseEntity.created(URI.create("/api/runs/" + retryId)).body(views.run(retryId));
	}

	record SubmitRequest(String repository, String ref, String pipeline) {
	}
}
