package org.snplab.queue;

import java.time.Instant;

/**
 * Jobs of one requirement set have waited more than an hour although no enabled host can run them: someone must
 * add or fix a host, or the pipeline asks for what the lab doesn't have. Published by {@link UnmatchedJobsCheck}.
 */
public record JobsUnmatched(long requiresId, String requires, int jobs, Instant oldestQueuedAt) {
}
