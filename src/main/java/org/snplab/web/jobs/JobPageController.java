package org.snplab.web.jobs;

import org.snplab.queue.RunViews;
import org.snplab.results.ArtifactStore;
import org.snplab.results.TestReports;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** A job: its live log, the first error line, test report, files and attempts. */
@Controller
class JobPageController {

	private final RunViews views;

	private final JobPages pages;

	private final LogFollower follower;

	private final ArtifactStore artifacts;

	private final TestReports reports;

	JobPageController(RunViews views, JobPages pages, LogFollower follower, ArtifactStore artifacts, TestReports reports) {
		this.views = views;
		this.pages = pages;
		this.follower = follower;
		this.artifacts = artifacts;
		this.reports = reports;
	}

	@GetMapping("/jobs/{id}")
	String job(@PathVariable long id, @RequestParam(required = false) Integer attempt, Model model) {
		RunViews.JobView job = views.job(id);
		int shown = attempt != null ? attempt : job.attempt();
		JobPages.Status status = pages.status(id);
		model.addAttribute("job", job);
		model.addAttribute("run", views.run(job.runId()));
		model.addAttribute("shownAttempt", shown);
		String logNote = logNote(job, shown);
		model.addAttribute("logNote", logNote);
		// A finished attempt's log is in the page, folded by section; a running or queued one is followed (a queued
		// attempt's lines appear as soon as a host takes the job).
		var sections = status.complete(shown) && status.expiredAt() == null ? pages.sections(id, shown) : java.util.List.of();
		model.addAttribute("logSections", sections);
		model.addAttribute("followLog", sections.isEmpty() && status.expiredAt() == null
				&& (logNote == null || waitsToStart(job, shown)));
		model.addAttribute("expiredAt", status.expiredAt());
		model.addAttribute("highlight", pages.highlight(id, shown, status.complete(shown)).orElse(null));
		model.addAttribute("artifacts", artifacts.list(id));
		model.addAttribute("reports", reports.reports(id));
		model.addAttribute("failing", reports.failing(id));
		return "jobs/job";
	}

	/** Why the shown attempt has no log (it hasn't started, or never will), or null when it has one. */
	private static String logNote(RunViews.JobView job, int shown) {
		boolean started = job.attempts().stream().anyMatch(a -> a.attempt() == shown)
				|| (shown == job.attempt() && job.startedAt() != null);
		if (started) {
			return null;
		}
		if (waitsToStart(job, shown)) {
			return "Attempt " + shown + " hasn't started yet: its log appears here once a host takes the job.";
		}
		return "Attempt " + shown + " never started, so it has no log.";
	}

	/** The shown attempt is the job's current one, still waiting for a host (or an approval). */
	private static boolean waitsToStart(RunViews.JobView job, int shown) {
		return shown == job.attempt() && job.waitsToStart();
	}

	@GetMapping(path = "/jobs/{id}/log/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	@ResponseBody
	SseEmitter stream(@PathVariable long id, @RequestParam(required = false) Integer attempt) {
		int shown = attempt != null ? attempt : views.currentAttempt(id);
		return follower.follow(id, shown);
	}

	@GetMapping("/tests")
	String test(@RequestParam String name, Model model) {
		model.addAttribute("name", name);
		model.addAttribute("history", reports.history(name, 50));
		return "jobs/test";
	}
}
