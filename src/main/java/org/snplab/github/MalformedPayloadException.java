package org.snplab.github;

/**
 * A signed delivery with a field of the wrong type (a string where GitHub sends a boolean...). Processing it again
 * can't help: the delivery is recorded as processed with this message, never retried.
 */
class MalformedPayloadException extends RuntimeException {

	MalformedPayloadException(String message) {
		super(message, null, false, false);
	}
}
