package org.snplab;

import org.springframework.http.HttpStatus;

/**
 * A request snplab refuses, with the HTTP status to answer and a message that says what was wrong and where.
 * Every module throws this one type; {@code web.ApiErrors} turns it into a JSON error.
 */
public class RequestException extends RuntimeException {

	private final HttpStatus status;

	public RequestException(HttpStatus status, String message) {
		super(message);
		this.status = status;
	}

	public HttpStatus status() {
		return status;
	}

	public static RequestException badRequest(String message) {
		return new RequestException(HttpStatus.BAD_REQUEST, message);
	}

	public static RequestException unauthorized(String message) {
		return new RequestException(HttpStatus.UNAUTHORIZED, message);
	}

	public static RequestException notFound(String message) {
		return new RequestException(HttpStatus.NOT_FOUND, message);
	}

	public static RequestException conflict(String message) {
		return new RequestException(HttpStatus.CONFLICT, message);
	}

	public static RequestException tooLarge(String message) {
		return new RequestException(HttpStatus.CONTENT_TOO_LARGE, message);
	}
}
