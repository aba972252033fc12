package org.snplab.health;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** An admin asks for a host's health check now ({@code /api/hosts/**} is for admins). */
@RestController
class HealthCheckController {

	private final HealthChecks checks;

	HealthCheckController(HealthChecks checks) {
		this.checks = checks;
	}

	/** 202 with the check's job: a new one, or the one already waiting or running. */
	@PostMapping("/api/hosts/{id}/health-check")
	ResponseEntity<Queued> check(@PathVariable long id) {
		return ResponseEntity.accepted().body(new Queued(checks.request(id, "asked by admin")));
	}

	record Queued(long job) {
	}
}
