package org.snplab.hosts;

/** An admin changed a host (enabled, drained, relabeled, back to service): what it may run may have changed. */
public record HostChanged(long hostId) {
}
