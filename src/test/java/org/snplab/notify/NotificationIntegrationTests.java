package org.snplab.notify;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.snplab.pipeline.PipelineParser;
import org.snplab.queue.RunService;
import org.snplab.support.Eventually;
import org.snplab.support.HttpAgent;
import org.snplab.support.PowerIntegrationTest;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** Notifications reach the admins' webhook exactly once, also when the webhook first fails; the timeline agrees. */
class NotificationIntegrationTests extends PowerIntegrationTest {

	@Autowired
	RunService runs;

	@Autowired
	NotificationSender sender;

	@Test
	void aQuarantineIsNotifiedExactlyOnceThoughTheFirstPostFails() throws Exception {
		webhook.failNext(1);
		HttpAgent wedged = wedgedHost("wedged-n1");

		List<JsonNode> received = Eventually.await(Duration.ofSeconds(30), "the quarantine's notification",
				() -> webhook.received("host-quarantined"), list -> !list.isEmpty());

		assertThat(webhook.refused()).as("the first post was refused, then retried").isEqualTo(1);
		assertThat(received.get(0).get("text").asString()).startsWith("Host wedged-n1: quarantined")
			.contains("its last 3 attempts ended in infra_error");
		assertThat(received.get(0).get("snplab").get("hostId").asLong()).isEqualTo(wedged.hostId);
		assertThat(sender.drain()).as("nothing is left to send").isZero();
		assertThat(webhook.received("host-quarantined")).hasSize(1);
		assertThat(db.sql("select attempts from notification where event = 'host-quarantined' and channel = 'webhook'").query(Integer.class).single())
			.isEqualTo(2);
	}

	@Autowired
	org.springframework.context.ApplicationEventPublisher events;

	@Test
	void theQuarantineCapKeepingAHostInServiceIsNotified() {
		events.publishEvent(new org.snplab.hosts.QuarantineStopped(7, "milan-3", "its last 3 attempts ended in infra_error",
				2, 4));

		List<JsonNode> received = Eventually.await(Duration.ofSeconds(30), "the cap's notification",
				() -> webhook.received("quarantine-cap-reached"), list -> !list.isEmpty());
		assertThat(received.get(0).get("text").asString()).isEqualTo("Quarantine stopped: 2 of 4 hosts already out, so "
				+ "milan-3 stays in service although it fails (its last 3 attempts ended in infra_error) — a broken test, "
				+ "kernel or firmware?");
		assertThat(received.get(0).get("snplab").get("out").asInt()).isEqualTo(2);
	}

	@Test
	void aHostBackInServiceIsNotifiedWithWhoPutItBackAndWhy() throws Exception {
		HttpAgent wedged = wedgedHost("wedged-n2");

		admin().post("/api/hosts/" + wedged.hostId + "/activate", Map.of("reason", "reseated the DIMM"));

		List<JsonNode> back = Eventually.await(Duration.ofSeconds(30), "the back-in-service notification",
				() -> webhook.received("host-back-in-service"), list -> !list.isEmpty());
		assertThat(back.get(0).get("text").asString())
			.isEqualTo("Host wedged-n2: back in service (was quarantined); quarantined → online (by admin: reseated the DIMM)");
		JsonNode timeline = admin().get("/api/hosts/" + wedged.hostId + "/history").json();
		assertThat(timeline.get(0).get("kind").asString()).isEqualTo("back-in-service");
		assertThat(timeline.get(0).get("actor").asString()).isEqualTo("admin");
		assertThat(timeline.get(1).get("kind").asString()).isEqualTo("quarantined");
		assertThat(timeline.get(1).get("actor").asString()).isEqualTo("snplab");
	}

	@Test
	void notificationsAreMailedToo() throws Exception {
		wedgedHost("wedged-n4");

		List<String> mails = Eventually.await(Duration.ofSeconds(30), "the quarantine's mail", () -> inbox.messages(),
				list -> !list.isEmpty());

		assertThat(mails).hasSize(1);
		jakarta.mail.internet.MimeMessage mail = new jakarta.mail.internet.MimeMessage(
				jakarta.mail.Session.getInstance(new java.util.Properties()),
				new java.io.ByteArrayInputStream(mails.get(0).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
		assertThat(mail.getSubject()).startsWith("[snplab] Host wedged-n4: quarantined");
		assertThat(mail.getHeader("To", ",")).isEqualTo("admins@lab.example");
		assertThat(mail.getHeader("From", ",")).isEqualTo("snplab@localhost");
		assertThat(mail.getContent().toString()).contains("host: wedged-n4").contains("its last 3 attempts ended in infra_error");
		assertThat(sender.drain()).isZero();
		assertThat(inbox.messages()).as("mailed once").hasSize(1);
	}

	@Test
	void adminActionsAreOnTheTimelineWithWhoAndWhyButNotNotified() {
		long host = registeredHost("plain-n3");

		admin().post("/api/hosts/" + host + "/drain", Map.of("reason", "firmware update tonight"));
		admin().post("/api/hosts/" + host + "/maintenance", Map.of());
		admin().post("/api/hosts/" + host + "/disable", Map.of());

		JsonNode timeline = admin().get("/api/hosts/" + host + "/history").json();
		assertThat(timeline.valueStream().map(e -> e.get("kind").asString()))
			.containsExactly("disable", "maintenance", "drain");
		assertThat(timeline.get(2).get("reason").asString()).isEqualTo("firmware update tonight");
		assertThat(timeline.get(2).get("summary").asString()).isEqualTo("draining: finishes its jobs, takes no new one; online → draining");
		assertThat(sender.drain()).isZero();
		assertThat(webhook.received()).isEmpty();
		assertThat(inbox.messages()).isEmpty();
	}

	private HttpAgent wedgedHost(String name) throws Exception {
		healthyBystanders(name);
		runs.queue(new RunService.Origin("file:///repo", "main", "b".repeat(40), "api"),
				PipelineParser.parse("jobs: { a: { steps: [ make ] }, b: { steps: [ make ] }, c: { steps: [ make ] } }"));
		HttpAgent wedged = new HttpAgent(baseUrl(), name, Map.of());
		for (int i = 0; i < 3; i++) {
			wedged.finish(wedged.poll(), "infra_error", "checkout failed: No space left on device", 0);
		}
		assertThat(admin().get("/api/hosts/" + wedged.hostId).json().get("state").asString()).isEqualTo("quarantined");
		return wedged;
	}
}
