package org.snplab.github;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.repositories.Repositories;
import org.snplab.repositories.Repository;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import jakarta.servlet.http.HttpServletRequest;

/**
 * {@code POST /github/webhook}: checks who sent the delivery, stores it, and answers at once; the slow part (git
 * fetch, pipeline) runs afterwards from the stored row. The webhook must send {@code application/json}.
 * <p>
 * Anyone can reach this endpoint, so until the signature matched it does as little as it can and remembers nothing:
 * a delivery without a well-formed signature, or declaring a body over {@code snplab.github.webhook-max-bytes}, is
 * refused before a byte of its body is read; the body is read only up to that cap (413 past it); of it, only
 * {@code repository.full_name} is read, as a token stream, to know whose secret signs it (GitHub names the repository
 * only inside the JSON; trying each configured secret instead would cost one HMAC per repository and stay ambiguous
 * when two share one); the JSON tree is built only once the HMAC over the raw bytes matched. Those refusals write no
 * row: only signed deliveries are recorded in {@code github_delivery} (accepted, a redelivery, or refused as not JSON).
 */
@RestController
class WebhookController {

	private static final Logger log = LoggerFactory.getLogger(WebhookController.class);

	private static final Pattern SIGNATURE = Pattern.compile("sha256=[0-9a-fA-F]{64}");

	private final Repositories repositories;

	private final Deliveries deliveries;

	private final DeliveryProcessor processor;

	private final JsonMapper json;

	/** How many bodies of the largest size may be held at once (smaller ones: more), see {@link WebhookBody.Budget}. */
	private static final int BODIES_AT_ONCE = 4;

	private final long maxBytes;

	private final WebhookBody.Budget budget;

	WebhookController(Repositories repositories, Deliveries deliveries, DeliveryProcessor processor, JsonMapper json,
			GithubProperties properties) {
		this.repositories = repositories;
		this.deliveries = deliveries;
		this.processor = processor;
		this.json = json;
		this.maxBytes = properties.github().webhookMaxBytes().toBytes();
		this.budget = new WebhookBody.Budget(BODIES_AT_ONCE * maxBytes);
	}

	/** Takes the servlet request, not a {@code @RequestBody}: Spring would buffer a body of any size before we look. */
	@PostMapping("/github/webhook")
	Map<String, Object> receive(@RequestHeader(name = "X-GitHub-Event", required = false) String event,
			@RequestHeader(name = "X-GitHub-Delivery", required = false) String deliveryId,
			@RequestHeader(name = "X-Hub-Signature-256", required = false) String signature,
			HttpServletRequest request) throws IOException {
		if (event == null || event.isBlank() || deliveryId == null || deliveryId.isBlank()) {
			throw anonymous(HttpStatus.BAD_REQUEST, "X-GitHub-Event and X-GitHub-Delivery headers are required");
		}
		if (request.getContentLengthLong() > maxBytes) {
			throw WebhookBody.tooLarge(maxBytes);
		}
		if (signature == null || signature.isBlank()) {
			throw anonymous(HttpStatus.UNAUTHORIZED,
					"missing X-Hub-Signature-256: set a secret on the webhook (snplab.repositories[].webhook-secret)");
		}
		if (!SIGNATURE.matcher(signature.trim()).matches()) {
			throw anonymous(HttpStatus.UNAUTHORIZED, "X-Hub-Signature-256 must be sha256= and 64 hex digits");
		}
		byte[] raw = WebhookBody.read(request.getInputStream(), maxBytes, budget);
		try {
			return receive(event, deliveryId, signature, raw);
		}
		finally {
			budget.giveBack(raw.length);
		}
	}

	private Map<String, Object> receive(String event, String deliveryId, String signature, byte[] raw) {
		String name = WebhookBody.repositoryName(json, raw);
		Repositories.Entry entry = repositories.entry(name)
			.orElseThrow(() -> anonymous(HttpStatus.NOT_FOUND, name == null
					? "the delivery names no repository; only repository webhooks are supported"
					: "repository " + name + " is not configured here (snplab.repositories)"));
		Repository repository = entry.repository();
		if (entry.webhookSecretUnreadable()) {
			// Our fault, not the sender's: 503, so GitHub's delivery log shows it for redelivery once it is fixed.
			throw anonymous(HttpStatus.SERVICE_UNAVAILABLE, "can't check X-Hub-Signature-256: "
					+ Repositories.whyUnreadable("webhook secret", repository.name()));
		}
		if (!WebhookSignature.matches(repository.webhookSecret(), raw, signature)) {
			throw anonymous(HttpStatus.UNAUTHORIZED, "X-Hub-Signature-256 does not match the body "
					+ "under the webhook secret configured for " + repository.name());
		}
		JsonNode payload;
		try {
			payload = json.readTree(raw);
		}
		catch (JacksonException ex) {
			throw refuse(deliveryId, event, repository.name(), HttpStatus.BAD_REQUEST,
					"body is not JSON (send application/json): " + ex.getOriginalMessage());
		}
		// The stream stopped at the first repository.full_name; a second one, which the tree keeps, must not differ.
		JsonNode treeName = Payloads.at(payload, "repository", "full_name");
		if (!Objects.equals(name, treeName != null && treeName.isString() ? treeName.asString() : null)) {
			throw refuse(deliveryId, event, repository.name(), HttpStatus.BAD_REQUEST,
					"repository.full_name appears more than once, with different values");
		}
		if (!deliveries.accept(deliveryId, event, repository.name(), new String(raw, StandardCharsets.UTF_8))) {
			return Map.of("delivery", deliveryId, "outcome", "redelivery: already accepted, nothing done again");
		}
		processor.kick();
		return Map.of("delivery", deliveryId, "outcome", "accepted");
	}

	/** A signed delivery we refuse: recorded, never processed. */
	private ErrorResponseException refuse(String deliveryId, String event, String repository, HttpStatus status,
			String why) {
		deliveries.refused(deliveryId, event, repository, status.value(), why);
		return problem(status, why);
	}

	/** A refusal before the sender proved it holds the secret: nothing is written, whatever anyone sends. */
	private static ErrorResponseException anonymous(HttpStatus status, String why) {
		log.debug("Refused a webhook delivery: {} {}", status.value(), why);
		return problem(status, why);
	}

	/** GitHub shows the answer in the webhook's delivery log: the RFC 9457 problem's detail says what was wrong. */
	private static ErrorResponseException problem(HttpStatus status, String why) {
		return new ErrorResponseException(status, ProblemDetail.forStatusAndDetail(status, why), null);
	}
}
