package org.snplab.results.retention;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code snplab.retention.*}: how long logs and uploaded files are kept after a job finished, and how often the
 * clean-up runs. Run and job records (and parsed test results) are kept for good.
 */
@ConfigurationProperties("snplab.retention")
public record RetentionProperties(@DefaultValue("30d") Duration maxAge, @DefaultValue("1d") Duration interval,
		@DefaultValue("500") int batchSize) {
}
