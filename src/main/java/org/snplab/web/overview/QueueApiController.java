package org.snplab.web.overview;

import java.util.List;
import java.util.Map;

import org.snplab.hosts.Host;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/queue}: what the overview shows, as JSON: the queue per capability class, the first waiting jobs in
 * line with their place and estimate, and the running jobs.
 */
@RestController
class QueueApiController {

	private final OverviewQueries queries;

	QueueApiController(OverviewQueries queries) {
		this.queries = queries;
	}

	@GetMapping("/api/queue")
	Map<String, Object> queue() {
		List<Host> hosts = queries.hosts();
		List<OverviewQueries.QueueClass> classes = queries.queue(hosts);
		return Map.of("classes", classes, "waiting", queries.waiting(classes), "running", queries.running());
	}
}
