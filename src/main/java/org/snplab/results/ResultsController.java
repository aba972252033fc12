package org.snplab.results;

import java.nio.file.Files;
import java.util.List;

import org.snplab.NotFoundException;
import org.snplab.queue.RunViews;

import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** Reading results through the JSON API: a job's log and its files. */
@RestController
class ResultsController {

	private final JobLogs logs;

	private final ArtifactStore artifacts;

	private final RunViews views;

	ResultsController(JobLogs logs, ArtifactStore artifacts, RunViews views) {
		this.logs = logs;
		this.artifacts = artifacts;
		this.views = views;
	}

	@GetMapping("/api/jobs/{id}/log")
	ResponseEntity<StreamingResponseBody> log(@PathVariable long id, @RequestParam(required = false) Integer attempt) {
		int which = attempt != null ? attempt : views.currentAttempt(id);
		return ResponseEntity.ok()
			.contentType(new MediaType("text", "plain", java.nio.charset.StandardCharsets.UTF_8))
			.body(out -> logs.write(id, which, out));
	}

	@GetMapping("/api/jobs/{id}/artifacts")
	List<ArtifactStore.Artifact> artifacts(@PathVariable long id) {
		views.currentAttempt(id); // 404 for unknown jobs
		return artifacts.list(id);
	}

	@GetMapping("/api/jobs/{id}/artifacts/{artifactId}")
	ResponseEntity<Resource> artifact(@PathVariable long id, @PathVariable long artifactId) {
		ArtifactStore.Artifact artifact = artifacts.find(id, artifactId)
			.orElseThrow(() -> new NotFoundException("job " + id + " has no file " + artifactId));
		java.nio.file.Path path = artifacts.path(artifact);
		if (!Files.isRegularFile(path)) {
			throw new NotFoundException(artifact.name() + " was deleted by the retention policy");
		}
		// Never let a browser render an uploaded file as a page: text is plain text, the rest a download.
		boolean text = artifact.name().matches(".*\\.(log|txt|xml|json|out|csv|md)$");
		String fileName = artifact.name().substring(artifact.name().lastIndexOf('/') + 1);
		return ResponseEntity.ok()
			.contentType(text ? new MediaType("text", "plain", java.nio.charset.StandardCharsets.UTF_8)
					: MediaType.APPLICATION_OCTET_STREAM)
			.header(HttpHeaders.CONTENT_DISPOSITION,
					(text ? ContentDisposition.inline() : ContentDisposition.attachment()).filename(fileName).build().toString())
			.body(new FileSystemResource(path));
	}
}
