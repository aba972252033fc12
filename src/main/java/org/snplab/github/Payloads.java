package org.snplab.github;

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

	static String text(JsonNode node, String... path) {
		JsonNode value = at(node, path);
		return value == null || !value.isValueNode() ? null : value.asString();
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
