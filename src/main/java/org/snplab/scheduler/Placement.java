package org.snplab.scheduler;

/** A job given to one slot of a host. */
public record Placement(long jobId, long hostId, int slot) {
}
