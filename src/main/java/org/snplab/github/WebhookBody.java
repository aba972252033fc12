package org.snplab.github;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;

import org.snplab.InvalidInputException;
import org.snplab.TooLargeException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * Reading a webhook's body before anyone knows who sent it: at most {@code maxBytes} (413 past it, without reading
 * on), and of its JSON only {@code repository.full_name}, the name that says whose secret signs it.
 */
final class WebhookBody {

	private static final int CHUNK = 64 * 1024;

	private WebhookBody() {
	}

	/**
	 * The body, read up to {@code maxBytes}: the buffer grows with what was really sent, never to a declared length,
	 * and reading stops one chunk past the cap, so a sender can't make us hold more than the cap however much it sends.
	 * Every byte held is taken from the budget first; the caller gives the body's length back when the request ends
	 * (on a refusal here it is given back at once).
	 *
	 * @throws TooLargeException once the body passes {@code maxBytes}; an {@link ErrorResponseException} 503 when the
	 *         budget is spent
	 */
	static byte[] read(InputStream in, long maxBytes, Budget budget) {
		ByteArrayOutputStream body = new ByteArrayOutputStream(CHUNK);
		byte[] chunk = new byte[CHUNK];
		try {
			int n;
			while ((n = in.read(chunk)) != -1) {
				if (body.size() + (long) n > maxBytes) {
					throw tooLarge(maxBytes);
				}
				budget.take(n);
				body.write(chunk, 0, n);
			}
			return body.toByteArray();
		}
		catch (IOException ex) {
			budget.giveBack(body.size());
			// The sender went away or stalled: no one reads the answer, but it is theirs (4xx), not ours.
			throw new InvalidInputException("the body could not be read to its end: " + ex.getMessage());
		}
		catch (RuntimeException ex) {
			budget.giveBack(body.size());
			throw ex;
		}
	}

	/**
	 * The bytes all webhook requests together may hold before their signature is checked: the cap bounds one request,
	 * this bounds the many a sender can open at once (each with a well-formed but wrong signature). Past it a request
	 * is refused with 503 rather than waited for; GitHub's deliveries are far smaller than the cap, and a missed one
	 * is caught up by the reconciler.
	 */
	static final class Budget {

		private final long limit;

		private final AtomicLong held = new AtomicLong();

		Budget(long limit) {
			this.limit = limit;
		}

		void take(long bytes) {
			if (held.addAndGet(bytes) > limit) {
				held.addAndGet(-bytes);
				throw new ErrorResponseException(HttpStatus.SERVICE_UNAVAILABLE, ProblemDetail.forStatusAndDetail(
						HttpStatus.SERVICE_UNAVAILABLE, "too many webhook bodies are being read at once; try again later"), null);
			}
		}

		void giveBack(long bytes) {
			held.addAndGet(-bytes);
		}

		long held() {
			return held.get();
		}
	}

	static TooLargeException tooLarge(long maxBytes) {
		return new TooLargeException("the body is larger than " + maxBytes + " bytes (snplab.github.webhook-max-bytes; "
				+ "GitHub sends at most 25 MB)");
	}

	/**
	 * {@code repository.full_name} of a JSON object, read as a token stream that stops at it and keeps no other value
	 * (Jackson's stream read constraints bound nesting and string lengths): what an unauthenticated body can make us
	 * do is one pass over bytes already capped. The whole tree is built only once the signature matched.
	 *
	 * @return null when the object names no repository (or not as a string)
	 * @throws InvalidInputException when the body is not a JSON object
	 */
	static String repositoryName(JsonMapper json, byte[] body) {
		try (JsonParser parser = json.createParser(body)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				throw new InvalidInputException("body is not a JSON object");
			}
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String field = parser.currentName();
				JsonToken value = parser.nextToken();
				if (field.equals("repository") && value == JsonToken.START_OBJECT) {
					return fullName(parser);
				}
				parser.skipChildren();
			}
			return null;
		}
		catch (JacksonException ex) {
			throw new InvalidInputException("body is not JSON (send application/json): " + ex.getOriginalMessage());
		}
	}

	/** Inside {@code repository}: its {@code full_name}, or null. */
	private static String fullName(JsonParser parser) {
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String field = parser.currentName();
			JsonToken value = parser.nextToken();
			if (field.equals("full_name")) {
				return value == JsonToken.VALUE_STRING ? parser.getString() : null;
			}
			parser.skipChildren();
		}
		return null;
	}
}
