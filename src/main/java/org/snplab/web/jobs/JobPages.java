package org.snplab.web.jobs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.snplab.queue.JobSections;
import org.snplab.queue.JobState;
import org.snplab.queue.RunViews;
import org.snplab.queue.JobSections.StepView;
import org.snplab.results.JobLogs;
import org.snplab.results.LogHighlights;
import org.snplab.web.AnsiHtml;

import org.springframework.stereotype.Service;

/** What the job page needs beyond the queue's views: whether retention removed its log, and the error line. */
@Service
class JobPages {

	/** Highlights look at the first 16 MiB of text; a first error further down is rare and the scan stays quick. */
	private static final int SCAN_CHARS = 16 * 1024 * 1024;

	/** A finished log up to this size is rendered into the page, folded by section; a longer one is streamed. */
	private static final int RENDERED_BYTES = 8 * 1024 * 1024;

	private final RunViews views;

	private final JobLogs logs;

	private final JobSections sections;

	JobPages(RunViews views, JobLogs logs, JobSections sections) {
		this.views = views;
		this.logs = logs;
		this.sections = sections;
	}

	/**
	 * A section of the log as the page folds it: {@code html} its lines, escaped and coloured ({@link AnsiHtml}),
	 * after {@code linesBefore} lines of the sections above it (so its line numbers go on from theirs).
	 */
	record LogSection(StepView step, String html, int linesBefore) {
	}

	record Status(JobState state, int attempt, Instant expiredAt) {

		/** Nothing more will be appended to this attempt's log. */
		boolean complete(int shownAttempt) {
			return state == JobState.FINISHED || attempt != shownAttempt || expiredAt != null;
		}
	}

	Status status(long jobId) {
		RunViews.LogProgress progress = views.logProgress(jobId);
		return new Status(progress.state(), progress.attempt(), progress.expiredAt());
	}

	/**
	 * A finished attempt's log cut into its sections (checkout, caches, steps), or empty when the agent reported none
	 * or the log is too long to render at once. Anything before the first section is part of it.
	 */
	List<LogSection> sections(long jobId, int attempt) {
		List<StepView> steps = sections.of(jobId, attempt);
		if (steps.isEmpty()) {
			return List.of();
		}
		StringBuilder text = new StringBuilder();
		for (JobLogs.Chunk chunk : logs.chunksFrom(jobId, attempt, 0)) {
			text.append(chunk.text());
			if (text.length() > RENDERED_BYTES) {
				return List.of();
			}
		}
		byte[] log = text.toString().getBytes(StandardCharsets.UTF_8);
		AnsiHtml html = new AnsiHtml();
		List<LogSection> out = new ArrayList<>();
		int from = 0;
		int lines = 0;
		for (int i = 0; i < steps.size(); i++) {
			int to = i + 1 < steps.size() ? lineStart(log, steps.get(i + 1).logOffset()) : log.length;
			to = Math.max(from, to);
			String slice = new String(log, from, to - from, StandardCharsets.UTF_8);
			out.add(new LogSection(steps.get(i), html.feed(slice) + (i + 1 == steps.size() ? html.flush() : ""), lines));
			lines += (int) slice.chars().filter(c -> c == '\n').count();
			from = to;
		}
		return out;
	}

	/** The offset, clamped to the log, moved on to the start of a line (a stored log may differ from the agent's). */
	private static int lineStart(byte[] log, long offset) {
		int at = (int) Math.min(Math.max(offset, 0), log.length);
		while (at > 0 && at < log.length && log[at - 1] != '\n') {
			at++;
		}
		return at;
	}

	Optional<LogHighlights.Highlight> highlight(long jobId, int attempt, boolean complete) {
		StringBuilder text = new StringBuilder();
		for (JobLogs.Chunk chunk : logs.chunksFrom(jobId, attempt, 0)) {
			text.append(chunk.text());
			if (text.length() > SCAN_CHARS) {
				break;
			}
		}
		List<String> lines = Arrays.asList(text.toString().split("\n", -1));
		return LogHighlights.firstError(lines, complete);
	}
}
