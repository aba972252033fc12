package org.snplab.web.jobs;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.snplab.results.JobLogs;
import org.snplab.web.AnsiHtml;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Streams a job's log to a page as server-sent events: every line from the first, then new chunks as they are
 * stored, until the attempt is over. It polls the database rather than listening in memory, so it works whichever
 * server instance the agent uploads to.
 */
@Component
class LogFollower implements DisposableBean {

	private static final Duration POLL = Duration.ofMillis(500);

	private static final Duration MAX_FOLLOW = Duration.ofMinutes(30);

	private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, runnable -> {
		Thread thread = new Thread(runnable, "log-follower");
		thread.setDaemon(true);
		return thread;
	});

	private final JobLogs logs;

	private final JobPages pages;

	LogFollower(JobLogs logs, JobPages pages) {
		this.logs = logs;
		this.pages = pages;
	}

	SseEmitter follow(long jobId, int attempt) {
		SseEmitter emitter = new SseEmitter(MAX_FOLLOW.toMillis());
		AnsiHtml html = new AnsiHtml();
		int[] next = { 0 };
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
		task.set(timer.scheduleWithFixedDelay(() -> {
			try {
				// Completeness is read before the chunks: a chunk stored in between is still sent before the end.
				boolean complete = pages.status(jobId).complete(attempt);
				List<JobLogs.Chunk> chunks = logs.chunksFrom(jobId, attempt, next[0]);
				StringBuilder lines = new StringBuilder();
				for (JobLogs.Chunk chunk : chunks) {
					lines.append(html.feed(chunk.text()));
					next[0] = chunk.seq() + 1;
				}
				if (chunks.isEmpty() && complete) {
					lines.append(html.flush());
				}
				if (!lines.isEmpty()) {
					emitter.send(SseEmitter.event().name("lines").data(lines.toString()));
				}
				if (chunks.isEmpty() && complete) {
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
		}, 0, POLL.toMillis(), TimeUnit.MILLISECONDS));
		return emitter;
	}

	@Override
	public void destroy() {
		timer.shutdownNow();
	}
}
