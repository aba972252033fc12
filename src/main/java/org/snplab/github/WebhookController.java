package org.snplab.github;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.snplab.RequestException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /github/webhook}: checks who sent the delivery, stores it, and answers at once; the slow part (git
 * fetch, pipeline) runs afterwards from the stored row. The webhook must send {@code application/json}. Refusals
 * are logged in {@code github_delivery} too, never processed.
 */
@RestController
class WebhookController {

	private final Repositories repositories;

	private final Deliveries deliveries;

	private final DeliveryProcessor processor;

	private final JsonMapper json;

	WebhookController(Repositories repositories, Deliveries deliveries, DeliveryProcessor processor, JsonMapper json) {
		this.repositories = repositories;
		this.deliveries = deliveries;
		this.processor = processor;
		this.json = json;
	}

	@PostMapping("/github/webhook")
	Map<String, Object> receive(@RequestHeader(name = "X-GitHub-Event", required = false) String event,
			@RequestHeader(name = "X-GitHub-Delivery", required = false) String deliveryId,
			@RequestHeader(name = "X-Hub-Signature-256", required = false) String signature,
			@RequestBody(required = false) byte[] body) {
		if (event == null || event.isBlank() || deliveryId == null || deliveryId.isBlank()) {
			throw RequestException.badRequest("X-GitHub-Event and X-GitHub-Delivery headers are required");
		}
		byte[] raw = body == null ? new byte[0] : body;
		if (signature == null || signature.isBlank()) {
			throw refuse(deliveryId, event, null, HttpStatus.UNAUTHORIZED,
					"missing X-Hub-Signature-256: set a secret on the webhook (snplab.repositories[].webhook-secret)");
		}
		JsonNode payload;
		try {
			payload = json.readTree(raw);
		}
		catch (JacksonException ex) {
			throw refuse(deliveryId, event, null, HttpStatus.BAD_REQUEST,
					"body is not JSON (send application/json): " + ex.getOriginalMessage());
		}
		if (payload == null || !payload.isObject()) {
			throw refuse(deliveryId, event, null, HttpStatus.BAD_REQUEST, "body is not a JSON object");
		}
		String name = Payloads.text(payload, "repository", "full_name");
		Repositories.Entry entry = repositories.entry(name)
			.orElseThrow(() -> refuse(deliveryId, event, name, HttpStatus.NOT_FOUND, name == null
					? "the delivery names no repository; only repository webhooks are supported"
					: "repository " + name + " is not configured here (snplab.repositories)"));
		GithubProperties.Repository repository = entry.repository();
		if (entry.webhookSecretUnreadable()) {
			// Our fault, not the sender's: 503, so GitHub's delivery log shows it for redelivery once it is fixed.
			throw refuse(deliveryId, event, name, HttpStatus.SERVICE_UNAVAILABLE, "can't check X-Hub-Signature-256: "
					+ Repositories.whyUnreadable("webhook secret", repository.name()));
		}
		if (!WebhookSignature.matches(repository.webhookSecret(), raw, signature)) {
			throw refuse(deliveryId, event, name, HttpStatus.UNAUTHORIZED, "X-Hub-Signature-256 does not match the body "
					+ "under the webhook secret configured for " + repository.name());
		}
		if (!deliveries.accept(deliveryId, event, repository.name(), new String(raw, StandardCharsets.UTF_8))) {
			return Map.of("delivery", deliveryId, "outcome", "redelivery: already accepted, nothing done again");
		}
		processor.kick();
		return Map.of("delivery", deliveryId, "outcome", "accepted");
	}

	private RequestException refuse(String deliveryId, String event, String repository, HttpStatus status, String why) {
		deliveries.refused(deliveryId, event, repository, status.value(), why);
		return new RequestException(status, why);
	}
}
