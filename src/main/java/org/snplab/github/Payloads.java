package org.snplab.github;

import org.snplab.StoredText;
import tools.jackson.databind.JsonNode;

/** Null-safe reading of webhook payload fields: a field GitHub left out is null, never an exception. */
final class Payloads {

	private Payloads() {
	}

	static JsonNode at(JsonNode node, String... path) {
		JsonNode current = node;
		for (String name : path) {
			current = current == null ? null : current.get(name);
		}
		return current == null || current.isNull() || current.isMissingNode() ? null : current;
	}

	/** The field's text, storable: a branch, title or author GitHub sent with a NUL in it can't fail the delivery. */
	static String text(JsonNode node, String... path) {
		JsonNode value = at(node, path);
		return value == null || !value.isValueNode() ? null : StoredText.of(value.asString());
	}

	static Integer number(JsonNode node, String... path) {
		JsonNode value = at(node, path);
		return value == null || !value.isIntegralNumber() ? null : value.asInt();
	}

	static boolean flag(JsonNode node, String... path) {
		JsonNode value = at(node, path);
		return value != null && value.asBoolean();
	}
}
