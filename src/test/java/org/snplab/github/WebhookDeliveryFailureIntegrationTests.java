package org.snplab.github;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** A delivery that can't be processed is recorded, backs off, ends, and never holds up the deliveries after it. */
class WebhookDeliveryFailureIntegrationTests extends GithubIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired
	Deliveries deliveries;

	@Test
	void aPoisonPushEndsRecordedAndTheValidPushAfterItIsProcessedWithinSeconds() {
		String sha = commitOn(svsmDirectory, "after-poison", Map.of(".snplab.yml", PIPELINE));
		ObjectNode poison = (ObjectNode) JSON.readTree(TestPayloads.push(SVSM, "poisoned", sha));
		poison.put("deleted", "yes\u0000no");
		String poisonId = UUID.randomUUID().toString();
		String validId = UUID.randomUUID().toString();

		assertThat(deliver("push", poisonId, JSON.writeValueAsString(poison), SECRET).status()).isEqualTo(200);
		long sent = System.nanoTime();
		assertThat(deliver("push", validId, TestPayloads.push(SVSM, "after-poison", sha), SECRET).status()).isEqualTo(200);

		assertThat(awaitOutcome(validId)).startsWith("queued run");
		assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(10));
		assertThat(awaitOutcome(poisonId)).isEqualTo("error: push: `deleted` is not a boolean");
		assertThat(db.sql("select attempts from github_delivery where delivery_id = ? and payload is not null")
			.param(poisonId).query(Integer.class).single()).as("a permanent error: not retried").isZero();
	}

	@Test
	void aFailureWhoseErrorTextHoldsANulIsRecordedBacksOffAndEndsAfterItsAttempts() {
		long id = db.sql("""
				insert into github_delivery (delivery_id, event, repository, status, outcome, payload)
				values ('failing', 'push', ?, 200, 'accepted', '{}') returning id""")
			.param(SVSM).query(Long.class).single();

		deliveries.failed(id, "IllegalStateException: can't use ref 'ma\u0000in'", 3);

		assertThat(db.sql("select outcome from github_delivery where id = ?").param(id).query(String.class).single())
			.isEqualTo("failed: IllegalStateException: can't use ref 'ma\\0in'");
		assertThat(db.sql("select next_attempt_at > now() + interval '4 seconds' and processed_at is null "
				+ "from github_delivery where id = ?").param(id).query(Boolean.class).single()).as("backing off").isTrue();
		assertThat(deliveries.lockNext()).as("not due meanwhile: the others go first").isEmpty();

		deliveries.failed(id, "again \u0000", 3);
		deliveries.failed(id, "and again \ud800", 3);

		assertThat(db.sql("select attempts from github_delivery where id = ? and processed_at is not null")
			.param(id).query(Integer.class).single()).as("ended after its 3 attempts").isEqualTo(3);
		assertThat(db.sql("select outcome from github_delivery where id = ?").param(id).query(String.class).single())
			.isEqualTo("failed: and again \ufffd");
	}
}
