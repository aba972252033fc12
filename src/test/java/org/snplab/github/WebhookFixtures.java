package org.snplab.github;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import org.snplab.support.Fixtures;

/** Real delivery bodies from @octokit/webhooks-examples, as GitHub sends them. */
public final class WebhookFixtures {

	static final Path FILE = Fixtures.path("github-webhooks/api.github.com.json");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static JsonNode all;

	private WebhookFixtures() {
	}

	/** The examples of that event with that action (null: any action), in file order, as raw JSON text. */
	static List<String> examples(String event, String action) {
		List<String> bodies = new ArrayList<>();
		for (JsonNode element : all()) {
			if (element.get("name").asString().equals(event)) {
				for (JsonNode example : element.get("examples")) {
					JsonNode a = example.get("action");
					if (action == null || (a != null && a.asString().equals(action))) {
						bodies.add(JSON.writeValueAsString(example));
					}
				}
			}
		}
		if (bodies.isEmpty()) {
			throw new IllegalArgumentException("no " + event + "/" + action + " example in " + FILE);
		}
		return bodies;
	}

	public static String first(String event, String action) {
		return examples(event, action).get(0);
	}

	/** The example moved to another repository, e.g. a ping of an unconfigured repository to a configured one. */
	public static String withRepository(String body, String fullName) {
		ObjectNode root = (ObjectNode) JSON.readTree(body);
		((ObjectNode) root.get("repository")).put("full_name", fullName);
		return JSON.writeValueAsString(root);
	}

	private static synchronized JsonNode all() {
		if (all == null) {
			all = JSON.readTree(FILE.toFile());
		}
		return all;
	}
}
