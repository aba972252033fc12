package org.snplab.web.jobs;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.snplab.queue.RunViews;
import org.snplab.results.JobLogs;
import org.snplab.web.AnsiHtml;
import org.snplab.web.Formats;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.http.MediaType;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Streams a job's log to a page as server-sent events: every line from the first, then new chunks as they are
 * stored, a preview of a line still missing its newline, and the job's state once the attempt is over. It polls the
 * database rather than listening in memory, so it works whichever server instance the agent uploads to.
 */
@Component
class LogFollower {

	private static final Duration POLL = Duration.ofMillis(500);

	private static final Duration MAX_FOLLOW = Duration.ofMinutes(30);

	/** Polls every followed log (a few threads serve them all: a poll is two short queries). */
	private final TaskScheduler timer;

	private final JobLogs logs;

	private final JobPages pages;

	private final RunViews views;

	private final Formats fmt;

	LogFollower(JobLogs logs, JobPages pages, RunViews views, Formats fmt,
			@Qualifier("logFollowTimer") TaskScheduler timer) {
		this.timer = timer;
		this.logs = logs;
		this.pages = pages;
		this.views = views;
		this.fmt = fmt;
	}

	SseEmitter follow(long jobId, int attempt) {
		SseEmitter emitter = new SseEmitter(MAX_FOLLOW.toMillis());
		AnsiHtml html = new AnsiHtml();
		int[] next = { 0 };
		String[] previewed = { "" };
		AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
		Runnable stop = () -> {
			ScheduledFuture<?> t = task.get();
			if (t != null) {
				t.cancel(false);
			}
		};
		emitter.onCompletion(stop);
		emitter.onTimeout(stop);
		emitter.onError(error -> stop.run());
		Runnable poll = () -> {
			try {
				// Completeness is read before the chunks: a chunk stored in between is still sent before the end.
				boolean complete = pages.status(jobId).complete(attempt);
				List<JobLogs.Chunk> chunks = logs.chunksFrom(jobId, attempt, next[0]);
				StringBuilder lines = new StringBuilder();
				for (JobLogs.Chunk chunk : chunks) {
					lines.append(html.feed(chunk.text()));
					next[0] = chunk.seq() + 1;
				}
				boolean ending = chunks.isEmpty() && complete;
				if (ending) {
					lines.append(html.flush());
				}
				if (!lines.isEmpty()) {
					emitter.send(SseEmitter.event().name("lines").data(lines.toString()));
				}
				// A line without its newline yet (a progress bar, a prompt) is shown as it stands; the page replaces
				// it with each newer preview and drops it when the complete line arrives in "lines".
				String preview = html.preview();
				if (!preview.isEmpty() && !preview.equals(previewed[0])) {
					emitter.send(SseEmitter.event().name("partial").data(preview));
				}
				previewed[0] = preview;
				if (ending) {
					// The job's outcome goes out with the end, so an open page updates its badge without a reload.
					emitter.send(SseEmitter.event().name("state").data(state(jobId), MediaType.APPLICATION_JSON));
					emitter.send(SseEmitter.event().name("end").data("complete"));
					emitter.complete();
					stop.run();
				}
			}
			catch (Exception ex) {
				// Mostly a closed page; either way this stream is over and the browser reconnects if it wants.
				stop.run();
				emitter.completeWithError(ex);
			}
		};
		try {
			task.set(timer.scheduleWithFixedDelay(poll, POLL));
		}
		catch (TaskRejectedException stopping) {
			// The server is shutting down: the page's EventSource reconnects, to another instance if there is one.
			emitter.complete();
		}
		return emitter;
	}

	/** What the job page's header shows: state, failure reason and exit code, duration. */
	private Map<String, Object> state(long jobId) {
		RunViews.JobView job = views.job(jobId);
		Map<String, Object> state = new LinkedHashMap<>();
		state.put("state", job.state());
		state.put("reason", job.reason() == null ? "" : job.reason());
		state.put("exitCode", job.exitCode());
		state.put("duration", fmt.duration(job.startedAt(), job.finishedAt()));
		return state;
	}
}
