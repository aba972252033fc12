package org.snplab.queue;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * What a job's row keeps for the results module, which owns logs and artifacts: the size of its log so far (for
 * {@code snplab.logs.max-bytes-per-job}), and whether retention removed its log and artifacts.
 */
@Service
public class JobRecords {

	private final JdbcClient db;

	JobRecords(JdbcClient db) {
		this.db = db;
	}

	/**
	 * Locks the job's row until the caller's transaction ends, so that chunks of one log are counted one at a time.
	 *
	 * @return the bytes of log stored for the job so far
	 */
	public long lockLogBytes(long jobId) {
		return db.sql("select log_bytes from job where id = ? for update").param(jobId).query(Long.class).single();
	}

	public void addLogBytes(long jobId, long bytes) {
		db.sql("update job set log_bytes = log_bytes + ? where id = ?").params(bytes, jobId).update();
	}

	/** Finished jobs whose log and artifacts are still kept, finished before the cutoff, the oldest first. */
	public List<Long> keptFinishedBefore(Instant cutoff, int limit) {
		return db.sql("""
				select id from job where state = 'finished' and finished_at < ? and expired_at is null
				order by finished_at limit ?""")
			.params(Timestamp.from(cutoff), limit)
			.query(Long.class)
			.list();
	}

	/** Its log and artifacts were removed: the job page says so instead of showing an empty log. */
	public void markExpired(long jobId) {
		db.sql("update job set expired_at = now() where id = ?").param(jobId).update();
	}
}
