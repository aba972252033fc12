package org.snplab.web.runs;

import java.util.List;
import java.util.Map;

import org.snplab.InvalidInputException;
import org.snplab.queue.RunList;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/runs}: the runs list as JSON, newest first, with the runs page's filters ({@code repository},
 * {@code ref}, {@code state}, {@code trigger}) and keyset paging ({@code before} = the last id of the previous page).
 */
@RestController
class RunsApiController {

	private static final int MAX_LIMIT = 200;

	private final RunList queries;

	RunsApiController(RunList queries) {
		this.queries = queries;
	}

	@GetMapping("/api/runs")
	Map<String, Object> list(RunList.RunFilter filter, @RequestParam(required = false) Long before,
			@RequestParam(defaultValue = "50") int limit) {
		if (limit < 1 || limit > MAX_LIMIT) {
			throw new InvalidInputException("limit must be 1 to " + MAX_LIMIT + ", not " + limit);
		}
		List<RunList.RunRow> runs = queries.list(filter, before, limit);
		Long next = runs.size() == limit ? runs.get(runs.size() - 1).id() : null;
		return next == null ? Map.of("runs", runs) : Map.of("runs", runs, "next", next);
	}
}
