package org.snplab.hosts;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code snplab.reservations.*}.
 *
 * @param max the longest a maintainer may reserve a host for at once (they may extend it again later)
 */
@ConfigurationProperties("snplab.reservations")
public record ReservationProperties(@DefaultValue("7d") Duration max) {
}
