package org.snplab.github;

import org.snplab.StoredText;
import tools.jackson.databind.JsonNode;

/**
 * Null-safe reading of webhook payload fields: a field GitHub left out (or sent as null) is null, never an
 * exception. A field of the wrong type is a {@link MalformedPayloadException} naming it ("`deleted` is not a
 * boolean"), not a guess: {@code "false"} taken for true would cancel nothing but run the wrong thing.
 */
final class Payloads {

	private Payloads() {
	}

	static JsonNode at(JsonNode node, String... path) {
		JsonNode current = node;
		for (String name : path) {
			current = current == null || !current.isObject() ? null : current.get(name);
		}
		return current == null || current.isNull() || current.isMissingNode() ? null : current;
	}

	/**
	 * A string; numbers and booleans are taken as their text, as GitHub's ids sometimes are. Storable: a branch,
	 * title or author GitHub sent with a NUL in it can't fail the delivery.
	 */
	static String text(JsonNode node, String... path) {
		JsonNode value = at(node, path);
		if (value == null) {
			return null;
		}
		if (!value.isValueNode()) {
			throw malformed(path, "a string");
		}
		return StoredText.of(value.asString());
	}

	static Integer number(JsonNode node, String... path) {
		JsonNode value = at(node, path);
		if (value == null) {
			return null;
		}
		if (!value.isIntegralNumber() || !value.canConvertToInt()) {
			throw malformed(path, "a whole number");
		}
		return value.asInt();
	}

	static boolean flag(JsonNode node, String... path) {
		JsonNode value = at(node, path);
		if (value == null) {
			return false;
		}
		if (!value.isBoolean()) {
			throw malformed(path, "a boolean");
		}
		return value.booleanValue();
	}

	/** A commit id (40 lowercase hex digits) that must be there: snplab can't run or record a head without one. */
	static String commit(JsonNode node, String... path) {
		String sha = text(node, path);
		if (sha == null) {
			throw new MalformedPayloadException("`" + String.join(".", path) + "` is missing");
		}
		if (!sha.matches("[0-9a-f]{40}")) {
			throw malformed(path, "a commit id");
		}
		return sha;
	}

	private static MalformedPayloadException malformed(String[] path, String expected) {
		return new MalformedPayloadException("`" + String.join(".", path) + "` is not " + expected);
	}
}
