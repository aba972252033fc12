package org.snplab.results;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import org.snplab.InvalidInputException;
import org.snplab.TooLargeException;
import org.snplab.hosts.Host;
import org.snplab.hosts.HostRegistry;
import org.snplab.queue.JobQueue;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The agent's uploads: log chunks while a job runs, then its artifacts and JUnit reports. */
@RestController
class AgentUploadController {

	private static final int MAX_CHUNK_BYTES = 4 * 1024 * 1024;

	private final HostRegistry hosts;

	private final JobQueue queue;

	private final JobLogs logs;

	private final ArtifactStore artifacts;

	AgentUploadController(HostRegistry hosts, JobQueue queue, JobLogs logs, ArtifactStore artifacts) {
		this.hosts = hosts;
		this.queue = queue;
		this.logs = logs;
		this.artifacts = artifacts;
	}

	@PostMapping("/api/agent/jobs/{id}/log")
	ResponseEntity<Void> log(@RequestHeader(name = "Authorization", required = false) String authorization,
			@PathVariable long id, @RequestParam int attempt, @RequestParam int seq, HttpServletRequest request)
			throws IOException {
		Host host = hosts.authenticateAgent(authorization);
		queue.checkAttemptOf(id, attempt, host);
		if (request.getContentLengthLong() > MAX_CHUNK_BYTES) {
			throw new TooLargeException("a log chunk may be at most " + MAX_CHUNK_BYTES + " bytes");
		}
		byte[] body = request.getInputStream().readNBytes(MAX_CHUNK_BYTES + 1);
		if (body.length > MAX_CHUNK_BYTES) {
			throw new TooLargeException("a log chunk may be at most " + MAX_CHUNK_BYTES + " bytes");
		}
		logs.append(id, attempt, seq, body);
		return ResponseEntity.noContent().build();
	}

	@PutMapping("/api/agent/jobs/{id}/files/{kind}/**")
	ResponseEntity<Void> file(@RequestHeader(name = "Authorization", required = false) String authorization,
			@PathVariable long id, @PathVariable String kind, @RequestParam int attempt, HttpServletRequest request)
			throws IOException {
		Host host = hosts.authenticateAgent(authorization);
		queue.checkAttemptOf(id, attempt, host);
		String prefix = "/api/agent/jobs/" + id + "/files/" + kind + "/";
		String path = request.getRequestURI();
		int start = path.indexOf(prefix);
		if (start < 0) {
			throw new InvalidInputException("file name missing after " + prefix);
		}
		String name = URLDecoder.decode(path.substring(start + prefix.length()).replace("+", "%2B"), StandardCharsets.UTF_8);
		artifacts.save(id, attempt, kind, name, request.getInputStream());
		return ResponseEntity.noContent().build();
	}
}
