package org.snplab.github;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The GitHub part of {@code snplab.*}: how snplab reaches api.github.com and how often it looks for what it missed.
 * Bound separately from {@code SnplabProperties} so this feature stays in its own package. Which repositories it
 * serves ({@code snplab.repositories}) is the {@code repositories} module's.
 */
@ConfigurationProperties("snplab")
record GithubProperties(@DefaultValue Github github) {

	/**
	 * @param apiUrl GitHub's REST API; a stand-in in tests
	 * @param reconcileInterval how often branches and open pull requests are listed to catch missed webhooks
	 * @param retryInterval how often unprocessed deliveries and unsent commit statuses are looked for
	 * @param webhookMaxBytes the largest webhook body read (GitHub caps its payloads at 25 MB); larger ones get 413
	 */
	record Github(@DefaultValue("https://api.github.com") String apiUrl, @DefaultValue("5m") Duration reconcileInterval,
			@DefaultValue("5s") Duration retryInterval, @DefaultValue("25MB") DataSize webhookMaxBytes) {
	}
}
