package org.snplab.web.jobs;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.snplab.results.JobLogs;
import org.snplab.results.LogHighlights;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** What the job page needs beyond the queue's views: whether retention removed its log, and the error line. */
@Service
class JobPages {

	/** Highlights look at the first 16 MiB of text; a first error further down is rare and the scan stays quick. */
	private static final int SCAN_CHARS = 16 * 1024 * 1024;

	private final JdbcClient db;

	private final JobLogs logs;

	JobPages(JdbcClient db, JobLogs logs) {
		this.db = db;
		this.logs = logs;
	}

	record Status(String state, int attempt, Instant expiredAt) {

		/** Nothing more will be appended to this attempt's log. */
		boolean complete(int shownAttempt) {
			return state.equals("finished") || attempt != shownAttempt || expiredAt != null;
		}
	}

	Status status(long jobId) {
		return db.sql("select state, attempt, expired_at from job where id = ?")
			.param(jobId)
			.query((rs, i) -> new Status(rs.getString(1), rs.getInt(2),
					rs.getTimestamp(3) == null ? null : rs.getTimestamp(3).toInstant()))
			.single();
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
