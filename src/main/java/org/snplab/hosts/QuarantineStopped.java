package org.snplab.hosts;

/**
 * Automatic quarantine would have taken the host out of service, but {@code snplab.health.max-unhealthy} of the
 * enabled hosts are out already (or it is the last good one), so it stays in: worth telling someone (many hosts
 * failing at once is more likely a broken test, kernel or firmware). Published once per host until it recovers.
 *
 * @param out hosts quarantined now
 * @param enabled enabled hosts
 */
public record QuarantineStopped(long hostId, String hostName, String reason, int out, int enabled) {
}
