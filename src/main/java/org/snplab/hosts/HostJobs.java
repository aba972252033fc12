package org.snplab.hosts;

import java.time.Instant;
import java.util.List;

/**
 * What this module needs to know of the jobs on a host, told by the module that keeps the jobs (the queue
 * implements it): the hosts module reads no job table itself.
 */
public interface HostJobs {

	/** Jobs assigned to the host or running on it now. */
	int active(long hostId);

	/** Whether an attempt on the host ended in {@code infra_error} at or after {@code since}. */
	boolean lostAttemptSince(long hostId, Instant since);

	/**
	 * The host's last attempts that finished at or after {@code since}, canceled ones aside, newest first.
	 *
	 * @param limit at most this many
	 */
	List<FinishedAttempt> lastFinished(long hostId, Instant since, int limit);

	/**
	 * @param infraError whether it ended in {@code infra_error}
	 * @param description e.g. "job 12 attempt 2: checkout failed"
	 */
	record FinishedAttempt(boolean infraError, String description) {
	}
}
