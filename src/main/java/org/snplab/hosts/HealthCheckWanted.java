package org.snplab.hosts;

/**
 * The host is due a health check: it is new, came back online, or was put back in service.
 *
 * @param why what made it due, e.g. "back online"
 */
public record HealthCheckWanted(long hostId, String why) {
}
