package org.snplab.github;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What is waiting on GitHub's side, for the lab's monitoring ({@code /actuator/prometheus}): accepted webhook
 * deliveries not yet processed and commit statuses not yet sent, and how old the oldest of each is. A growing age
 * means GitHub refuses us (a revoked token, an outage) or processing fails.
 */
@Component
class GithubMetrics {

	GithubMetrics(JdbcClient db, MeterRegistry registry) {
		String deliveries = "from github_delivery where payload is not null and processed_at is null";
		String statuses = "from github_status where sent_at is null";
		register(registry, db, "deliveries", deliveries, "received_at");
		register(registry, db, "statuses", statuses, "created_at");
	}

	private static void register(MeterRegistry registry, JdbcClient db, String kind, String pending, String since) {
		Gauge.builder("snplab.github.pending", () -> db.sql("select count(*) " + pending).query(Long.class).single())
			.tag("kind", kind)
			.description("Webhook deliveries not yet processed, commit statuses not yet sent")
			.register(registry);
		Gauge.builder("snplab.github.pending.oldest", () -> db.sql("select coalesce(extract(epoch from now() - min("
				+ since + ")), 0) " + pending).query(Double.class).single())
			.tag("kind", kind)
			.baseUnit("seconds")
			.description("Age of the oldest pending delivery or status")
			.register(registry);
	}
}
