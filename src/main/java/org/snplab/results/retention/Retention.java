package org.snplab.results.retention;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.snplab.SnplabProperties;
import org.snplab.queue.JobRecords;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Deletes the logs and files of jobs that finished before a cut-off and marks the jobs expired, so pages say
 * "deleted by retention" instead of showing an empty log. Works in batches so a first run on a big database
 * neither holds long locks nor one huge transaction.
 */
@Service
public class Retention {

	private final JdbcClient db;

	private final JobRecords jobRecords;

	private final Path artifacts;

	private final RetentionProperties properties;

	Retention(JdbcClient db, JobRecords jobRecords, SnplabProperties snplab, RetentionProperties properties) {
		this.jobRecords = jobRecords;
		this.db = db;
		this.artifacts = snplab.artifactsDir();
		this.properties = properties;
	}

	/** @return how many jobs were expired */
	public int expireOlderThanMaxAge() {
		return expireFinishedBefore(Instant.now().minus(properties.maxAge()));
	}

	public int expireFinishedBefore(Instant cutoff) {
		int total = 0;
		while (true) {
			List<Long> jobs = jobRecords.keptFinishedBefore(cutoff, properties.batchSize());
			if (jobs.isEmpty()) {
				return total;
			}
			for (long job : jobs) {
				// Files first: a crash in between leaves a job that is retried next time, never files nobody owns.
				deleteTree(artifacts.resolve(Long.toString(job)));
				db.sql("delete from log_chunk where job_id = ?").param(job).update();
				jobRecords.markExpired(job);
			}
			total += jobs.size();
		}
	}

	private static void deleteTree(Path dir) {
		if (!Files.exists(dir)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(dir)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
