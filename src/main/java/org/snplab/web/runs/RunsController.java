package org.snplab.web.runs;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.snplab.github.GithubOrigins;
import org.snplab.queue.JobQueue;
import org.snplab.queue.RunList;
import org.snplab.queue.RunService;
import org.snplab.queue.RunViews;
import org.snplab.results.TestReports;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The runs list with its filters, a run's page, and the run actions (maintainers). */
@Controller
class RunsController {

	private static final int PAGE = 50;

	private final RunList queries;

	private final GithubOrigins origins;

	private final RunViews views;

	private final RunService runs;

	private final JobQueue queue;

	private final TestReports reports;

	RunsController(RunList queries, GithubOrigins origins, RunViews views, RunService runs, JobQueue queue,
			TestReports reports) {
		this.origins = origins;
		this.reports = reports;
		this.queries = queries;
		this.views = views;
		this.runs = runs;
		this.queue = queue;
	}

	@GetMapping("/runs")
	String list(RunList.RunFilter filter, @RequestParam(required = false) Long before, Model model) {
		List<RunList.RunRow> rows = queries.list(filter, before, PAGE);
		model.addAttribute("filter", filter);
		model.addAttribute("runs", rows);
		model.addAttribute("next", rows.size() == PAGE ? rows.get(rows.size() - 1).id() : null);
		return "runs/list";
	}

	@GetMapping("/runs/{id}")
	String run(@PathVariable long id, Model model) {
		RunViews.RunView run = views.run(id);
		model.addAttribute("run", run);
		model.addAttribute("origin", origins.of(id).orElse(null));
		model.addAttribute("stuck", unmatchable(run));
		model.addAttribute("failedTests", failedTests(run));
		return "runs/run";
	}

	/** Each job's failed or errored tests, by name, for the run's table. */
	private Map<Long, List<String>> failedTests(RunViews.RunView run) {
		Map<Long, List<String>> failed = new HashMap<>();
		for (RunViews.JobView job : run.jobs()) {
			failed.put(job.id(), reports.failing(job.id()).stream()
				.filter(c -> c.status().equals("failed") || c.status().equals("errored"))
				.map(TestReports.Case::test)
				.toList());
		}
		return failed;
	}

	@PostMapping("/runs/{id}/cancel")
	String cancel(@PathVariable long id) {
		views.run(id);
		queue.cancelRun(id, "canceled by a user");
		return "redirect:/runs/" + id;
	}

	@PostMapping("/runs/{id}/approve")
	String approve(@PathVariable long id) {
		views.run(id);
		runs.approve(id);
		return "redirect:/runs/" + id;
	}

	@PostMapping("/runs/{id}/retry")
	String retry(@PathVariable long id) {
		return "redirect:/runs/" + runs.retryFailed(id);
	}

	/**
	 * The jobs that keep an unfinished run from finishing because no enabled host can ever run them, when nothing
	 * else of the run is still running or queued with a chance: such a run would otherwise stay "running" silently.
	 */
	private static List<String> unmatchable(RunViews.RunView run) {
		List<RunViews.JobView> unfinished = run.jobs()
			.stream()
			.filter(RunViews.JobView::unfinished)
			.toList();
		boolean allUnmatchable = !unfinished.isEmpty() && unfinished.stream()
			.allMatch(j -> j.waiting() != null && j.waiting().startsWith("no matching host"));
		return allUnmatchable ? unfinished.stream().map(j -> j.name() + ": " + j.waiting()).toList() : List.of();
	}
}
