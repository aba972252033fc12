package org.snplab.queue;

/**
 * A run was made of another run's failed jobs. Published inside the transaction that made it, after its jobs'
 * {@link JobChanged} events, so a feature that keeps data per run (where a GitHub run came from) can copy it along.
 */
public record RunRetried(long runId, long retryOf) {
}
