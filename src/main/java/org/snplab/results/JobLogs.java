package org.snplab.results;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.snplab.SnplabProperties;
import org.snplab.StoredText;
import org.snplab.queue.JobRecords;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Job logs as ordered chunks. The agent numbers its chunks; a chunk resent after a lost answer has the same number
 * and is stored once. A NUL byte is stored as U+2400 "␀", bytes that aren't UTF-8 as U+FFFD. Past {@code snplab.logs.max-bytes-per-job} the log is cut with a note saying so.
 */
@Service
public class JobLogs {

	private final JdbcClient db;

	private final JobRecords jobs;

	private final long maxBytes;

	JobLogs(JdbcClient db, JobRecords jobs, SnplabProperties properties) {
		this.db = db;
		this.jobs = jobs;
		this.maxBytes = properties.logs().maxBytesPerJob();
	}

	/** Stores a chunk; NUL bytes and what isn't UTF-8 are kept readable ({@link StoredText}), never refused. */
	@Transactional
	public void append(long jobId, int attempt, int seq, byte[] chunk) {
		String text = StoredText.decode(chunk);
		long used = jobs.lockLogBytes(jobId);
		int size = text.getBytes(StandardCharsets.UTF_8).length;
		if (used >= maxBytes) {
			return; // already cut; the note is in the log
		}
		String stored = text;
		long added = size;
		if (used + size > maxBytes) {
			stored = "\n[snplab] log cut here: it passed the limit of " + maxBytes
					+ " bytes (snplab.logs.max-bytes-per-job); later output was dropped\n";
			added = maxBytes - used; // marks the log full
		}
		int inserted = db.sql("insert into log_chunk (job_id, attempt, seq, data) values (?, ?, ?, ?) on conflict do nothing")
			.params(jobId, attempt, seq, stored)
			.update();
		if (inserted > 0) {
			jobs.addLogBytes(jobId, added);
		}
	}

	/** Writes the attempt's log, chunk by chunk in order, without holding it all in memory. */
	public void write(long jobId, int attempt, OutputStream out) {
		db.sql("select data from log_chunk where job_id = ? and attempt = ? order by seq")
			.params(jobId, attempt)
			.query(rs -> {
				try {
					out.write(rs.getString(1).getBytes(StandardCharsets.UTF_8));
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
	}

	/** The chunks from {@code fromSeq} on, for following a live log. */
	public java.util.List<Chunk> chunksFrom(long jobId, int attempt, int fromSeq) {
		return db.sql("select seq, data from log_chunk where job_id = ? and attempt = ? and seq >= ? order by seq")
			.params(jobId, attempt, fromSeq)
			.query((rs, i) -> new Chunk(rs.getInt(1), rs.getString(2)))
			.list();
	}

	public record Chunk(int seq, String text) {
	}
}
