package org.snplab.notify;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything under {@code snplab.notify.*}.
 *
 * @param url the incoming webhook notifications are POSTed to; unset: none are posted
 * @param email addresses notifications are mailed to through Spring Mail ({@code spring.mail.host} must be set too)
 * @param emailFrom the mails' sender
 * @param interval how often unsent notifications are looked for (a new one is sent at once)
 */
@ConfigurationProperties("snplab.notify")
public record NotifyProperties(String url, @DefaultValue List<String> email,
		@DefaultValue("snplab@localhost") String emailFrom, @DefaultValue("10s") Duration interval) {

	boolean webhook() {
		return url != null && !url.isBlank();
	}
}
