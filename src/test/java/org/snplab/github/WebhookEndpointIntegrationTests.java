package org.snplab.github;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.snplab.support.HttpApi;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookEndpointIntegrationTests extends GithubIntegrationTest {

	@Test
	void pingOfAConfiguredRepositoryIsAnsweredAndRecorded() {
		String body = WebhookFixtures.withRepository(WebhookFixtures.first("ping", null), HELLO);

		assertThat(deliverAndProcess("ping", body)).startsWith("pong: ");
	}

	@Test
	void replayedExamplesGetTheirStatusAndAnHonestOutcome() {
		assertThat(deliverAndProcess("push", WebhookFixtures.examples("push", null).get(1)))
			.isEqualTo("ignored: refs/tags/simple-tag was deleted");
		// The example commits exist on github.com only, not in the local clone the repository is configured with.
		assertThat(deliverAndProcess("push", WebhookFixtures.examples("push", null).get(4)))
			.startsWith("error: ").contains("6113728f27ae82c7b1a177c8d03f9e96e0adf246");
		assertThat(deliverAndProcess("pull_request", WebhookFixtures.first("pull_request", "opened")))
			.startsWith("error: ").contains("refs/pull/2/head");
		assertThat(deliverAndProcess("pull_request", WebhookFixtures.first("pull_request", "closed")))
			.isEqualTo("nothing to cancel on #2");
		assertThat(deliverAndProcess("pull_request", WebhookFixtures.first("pull_request", "assigned")))
			.isEqualTo("ignored: pull_request action assigned");
		assertThat(deliverAndProcess("issue_comment", WebhookFixtures.first("issue_comment", "created")))
			.isEqualTo("ignored: not a new comment on a pull request");
		assertThat(deliverAndProcess("check_suite", WebhookFixtures.first("check_suite", "completed")))
			.isEqualTo("ignored: check_suite action completed");
		assertThat(deliverAndProcess("check_suite", WebhookFixtures.first("check_suite", "rerequested")))
			.startsWith("error: ");
		assertThat(db.sql("select count(*) from run").query(Integer.class).single()).isZero();
	}

	@Test
	void unknownRepositoriesAre404AndNeverProcessed() {
		for (String ping : WebhookFixtures.examples("ping", null)) {
			HttpApi.Response response = deliver("ping", UUID.randomUUID().toString(), ping, SECRET);
			assertThat(response.status()).isEqualTo(404);
			assertThat(response.json().get("detail").asString()).containsAnyOf("is not configured", "names no repository");
		}
		HttpApi.Response push = deliver("push", UUID.randomUUID().toString(),
				WebhookFixtures.withRepository(WebhookFixtures.first("push", null), "someone/else"), SECRET);
		assertThat(push.status()).isEqualTo(404);
		assertThat(push.json().get("detail").asString()).isEqualTo("repository someone/else is not configured here (snplab.repositories)");
		assertNoRowWritten();
	}

	@Test
	void badOrMissingSignaturesAre401WithAMessage() {
		String body = WebhookFixtures.first("push", null);
		HttpApi.Response wrongSecret = deliver("push", UUID.randomUUID().toString(), body, "not-the-secret");
		HttpApi.Response unsigned = deliver("push", UUID.randomUUID().toString(), body, null);

		assertThat(wrongSecret.status()).isEqualTo(401);
		assertThat(wrongSecret.json().get("detail").asString()).contains("X-Hub-Signature-256 does not match");
		assertThat(unsigned.status()).isEqualTo(401);
		assertThat(unsigned.json().get("detail").asString()).startsWith("missing X-Hub-Signature-256");
		assertNoRowWritten();
	}

	@Test
	void refusalsBeforeTheSignatureMatchedWriteNoRow() {
		String body = WebhookFixtures.first("push", null);
		assertThat(deliver("push", "", body, SECRET).status()).isEqualTo(400);
		assertThat(deliver("push", UUID.randomUUID().toString(), "[1, 2]", null).status()).isEqualTo(401);
		assertThat(deliver("push", UUID.randomUUID().toString(), "[1, 2]", "not-the-secret").status()).isEqualTo(400);
		assertThat(deliver("push", UUID.randomUUID().toString(), "{\"ref\": ", "not-the-secret").status()).isEqualTo(400);
		assertThat(deliver("push", UUID.randomUUID().toString(),
				WebhookFixtures.withRepository(body, "someone/else"), SECRET).status()).isEqualTo(404);
		assertThat(deliver("push", UUID.randomUUID().toString(), body, "not-the-secret").status()).isEqualTo(401);

		assertNoRowWritten();
	}

	@Test
	void malformedJsonIs400() {
		HttpApi.Response response = deliver("push", UUID.randomUUID().toString(), "{\"ref\": ", SECRET);
		HttpApi.Response notAnObject = deliver("push", UUID.randomUUID().toString(), "[1, 2]", SECRET);

		assertThat(response.status()).isEqualTo(400);
		assertThat(response.json().get("detail").asString()).startsWith("body is not JSON");
		assertThat(notAnObject.status()).isEqualTo(400);
		assertNothingAccepted();
	}

	@Test
	void redeliveryIsAcknowledgedAndDoesNothingTwice() {
		String sha = commitOn(svsmDirectory, "redelivered", Map.of(".snplab.yml", PIPELINE));
		String body = TestPayloads.push(SVSM, "redelivered", sha);
		String id = UUID.randomUUID().toString();

		assertThat(deliver("push", id, body, SECRET).status()).isEqualTo(200);
		assertThat(awaitOutcome(id)).startsWith("queued run");
		HttpApi.Response again = deliver("push", id, body, SECRET);

		assertThat(again.status()).isEqualTo(200);
		assertThat(again.json().get("outcome").asString()).startsWith("redelivery");
		assertThat(db.sql("select count(*) from run").query(Integer.class).single()).isEqualTo(1);
		assertThat(db.sql("select count(*) from github_delivery where payload is not null").query(Integer.class).single())
			.isEqualTo(1);
	}

	@Test
	void aDeliveryAcceptedByAServerThatDiedBeforeProcessingItIsProcessedLater() {
		String sha = commitOn(svsmDirectory, "orphaned", Map.of(".snplab.yml", PIPELINE));
		// What the endpoint had stored when the server was killed right after answering.
		db.sql("""
				insert into github_delivery (delivery_id, event, repository, status, outcome, payload)
				values ('orphan-1', 'push', ?, 200, 'accepted', ?)""")
			.params(SVSM, TestPayloads.push(SVSM, "orphaned", sha))
			.update();

		assertThat(awaitOutcome("orphan-1")).startsWith("queued run");
		assertThat(db.sql("select commit_sha from run").query(String.class).single()).isEqualTo(sha);
	}

	/** Anyone can send those: remembering them would let anyone fill the table. */
	private void assertNoRowWritten() {
		assertThat(db.sql("select count(*) from github_delivery").query(Integer.class).single()).isZero();
	}

	private void assertNothingAccepted() {
		assertThat(db.sql("select count(*) from github_delivery where payload is not null or processed_at is not null")
			.query(Integer.class).single()).isZero();
	}
}
