package org.snplab.queue;

/**
 * A job was queued, held, approved, or finished (passed, failed, canceled, lost). Published inside the transaction
 * that made the change, so a listener writing to the database (e.g. a commit status outbox) commits with it.
 */
public record JobChanged(long jobId, long runId) {
}
