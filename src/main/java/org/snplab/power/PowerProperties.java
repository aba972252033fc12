package org.snplab.power;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything under {@code snplab.power.*}.
 *
 * @param quietPeriod the pause between two operations on one BMC (state check, action, check again, retry): BMCs
 * answer a burst of commands badly
 * @param attempts how often a power action is tried before it counts as failed
 * @param commandTimeout how long one {@code ipmitool}, command-driver or Redfish call may take
 * @param recoverAfter a host silent this long while it had work is power-cycled
 * @param maxCyclesPerDay automatic power cycles of one host in 24 hours, at most
 * @param comeBackWithin a host whose agent isn't back this long after its automatic cycle is quarantined
 * @param recoveryInterval how often silent hosts are looked for
 */
@ConfigurationProperties("snplab.power")
public record PowerProperties(@DefaultValue("5s") Duration quietPeriod, @DefaultValue("3") int attempts,
		@DefaultValue("60s") Duration commandTimeout, @DefaultValue("10m") Duration recoverAfter,
		@DefaultValue("2") int maxCyclesPerDay, @DefaultValue("15m") Duration comeBackWithin,
		@DefaultValue("30s") Duration recoveryInterval) {
}
