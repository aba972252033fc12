package org.snplab.queue;

import java.net.URI;

import org.snplab.RequestException;
import org.snplab.git.GitRepositories;
import org.snplab.pipeline.Pipeline;
import org.snplab.pipeline.PipelineException;
import org.snplab.pipeline.PipelineParser;

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

	RunController(GitRepositories git, RunService runs, RunViews views, JobQueue queue) {
		this.git = git;
		this.runs = runs;
		this.views = views;
		this.queue = queue;
	}

	@PostMapping("/api/runs")
	ResponseEntity<RunViews.RunView> submit(@RequestBody SubmitRequest request) {
		if (request.repository() == null || request.repository().isBlank() || request.ref() == null || request.ref().isBlank()) {
			throw RequestException.badRequest("both \"repository\" (a clone URL) and \"ref\" (a branch, tag or commit) are required");
		}
		String commit = git.resolve(request.repository(), request.ref());
		String text = request.pipeline() != null ? request.pipeline()
				: git.readFile(request.repository(), commit, PIPELINE_FILE)
					.orElseThrow(() -> RequestException.badRequest("no " + PIPELINE_FILE + " in " + request.repository()
							+ " at " + commit + " (" + request.ref() + "): nothing to run"));
		Pipeline pipeline;
		try {
			pipeline = PipelineParser.parse(text);
		}
		catch (PipelineException ex) {
			throw RequestException.badRequest(ex.getMessage() + " (" + request.repository() + " at " + commit + ")");
		}
		long id = runs.queue(new RunService.Origin(request.repository(), request.ref(), commit, "api"), pipeline);
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
	ResponseEntity<RunViews.RunView> retry(@PathVariable long id) {
		long retryId = runs.retryFailed(id);
		return ResponseEntity.created(URI.create("/api/runs/" + retryId)).body(views.run(retryId));
	}

	record SubmitRequest(String repository, String ref, String pipeline) {
	}
}
