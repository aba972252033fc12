package org.snplab.github;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.snplab.support.HttpApi;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded mutations of the real example payloads (a field's type swapped, null, NUL bytes in strings, fields left out,
 * huge arrays, deep nesting), each signed correctly, so every one gets past the signature into parsing and processing.
 * None may get a 5xx, and none may stay due: each ends processed, or backing off towards its last attempt, and a
 * valid delivery sent last is still processed at once.
 */
class WebhookFuzzIntegrationTests extends GithubIntegrationTest {

	private static final long SEED = 20_26_12_02L;

	private static final int DELIVERIES = 2000;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** The fields snplab reads: half the mutations aim at one of them, the others at any node. */
	private static final List<String[]> READ = List.of(new String[] { "ref" }, new String[] { "after" },
			new String[] { "deleted" }, new String[] { "action" }, new String[] { "zen" }, new String[] { "pusher" },
			new String[] { "pusher", "name" }, new String[] { "head_commit" }, new String[] { "head_commit", "message" },
			new String[] { "pull_request" }, new String[] { "pull_request", "number" },
			new String[] { "pull_request", "draft" }, new String[] { "pull_request", "head" },
			new String[] { "pull_request", "head", "sha" }, new String[] { "pull_request", "user", "login" },
			new String[] { "pull_request", "author_association" }, new String[] { "label", "name" },
			new String[] { "issue", "number" }, new String[] { "issue", "pull_request" }, new String[] { "comment", "body" },
			new String[] { "comment", "user", "login" }, new String[] { "check_suite", "head_sha" },
			new String[] { "sender", "login" }, new String[] { "repository" }, new String[] { "repository", "full_name" });

	private static final String DEEP = "__deep_nesting__";

	@Test
	@Timeout(value = 3, unit = TimeUnit.MINUTES)
	void thousandsOfSignedMutatedPayloadsGetNo5xxAndLeaveNoDeliveryDueForEver() throws Exception {
		List<Example> examples = new ArrayList<>();
		for (String event : List.of("push", "pull_request", "issue_comment", "check_suite", "ping")) {
			WebhookFixtures.examples(event, null).stream()
				.filter(body -> JSON.readTree(body).path("repository").isObject()) // not an organization's ping
				.forEach(body -> examples.add(new Example(event, WebhookFixtures.withRepository(body, HELLO))));
		}
		Random random = new Random(SEED);
		List<Example> mutated = new ArrayList<>();
		for (int i = 0; i < DELIVERIES; i++) {
			Example example = examples.get(random.nextInt(examples.size()));
			mutated.add(new Example(example.event(), mutate(example.body(), random)));
		}

		Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
		ExecutorService pool = Executors.newFixedThreadPool(4);
		try {
			List<Future<?>> sent = new ArrayList<>();
			for (Example delivery : mutated) {
				sent.add(pool.submit(() -> {
					HttpApi.Response response = deliver(delivery.event(), UUID.randomUUID().toString(), delivery.body(), SECRET);
					statuses.computeIfAbsent(response.status(), s -> new AtomicInteger()).incrementAndGet();
					assertThat(response.status()).as(response.body()).isLessThan(500);
					if (response.status() != 200) {
						assertThat(response.json().get("detail").asString()).isNotBlank().isNotEqualTo("null");
					}
				}));
			}
			for (Future<?> future : sent) {
				future.get(2, TimeUnit.MINUTES);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(new TreeMap<>(statuses).keySet()).as("answers: " + statuses).contains(200, 400);

		await(() -> db.sql("""
				select count(*) from github_delivery where payload is not null and processed_at is null
				  and not (attempts > 0 and next_attempt_at > now())""").query(Integer.class).single() == 0);
		assertThat(db.sql("select count(*) from github_delivery where payload is not null and processed_at is null "
				+ "and outcome not like 'failed: %'").query(Integer.class).single())
			.as("each one still pending is backing off with its failure recorded").isZero();
		assertThat(db.sql("select count(*) from github_delivery where outcome like 'error: %: `%` is not %'")
			.query(Integer.class).single()).as("malformed fields are named").isPositive();

		String sha = commitOn(helloDirectory, "after-the-fuzz", Map.of(".snplab.yml", PIPELINE));
		long start = System.nanoTime();
		assertThat(deliverAndProcess("push", TestPayloads.push(HELLO, "after-the-fuzz", sha))).startsWith("queued run");
		assertThat(System.nanoTime() - start).as("not held up by any of them").isLessThan(TimeUnit.SECONDS.toNanos(10));
	}

	record Example(String event, String body) {
	}

	/** One to three mutations of the body, then its JSON text (deep nesting spliced in as text). */
	private static String mutate(String body, Random random) {
		ObjectNode root = (ObjectNode) JSON.readTree(body);
		int deep = 0;
		for (int n = 1 + random.nextInt(3); n > 0; n--) {
			Slot slot = random.nextBoolean() ? readField(root, random) : anyNode(root, random);
			if (slot == null) {
				continue;
			}
			JsonNode value = slot.get();
			switch (random.nextInt(7)) {
				case 0 -> slot.set(swapType(value, random));
				case 1 -> slot.set(JSON.nullNode());
				case 2 -> slot.set(JSON.getNodeFactory().stringNode(withNul(value, random)));
				case 3 -> slot.remove();
				case 4 -> {
					ArrayNode huge = JSON.createArrayNode();
					for (int i = 0; i < 5_000; i++) {
						huge.add(random.nextBoolean() ? JSON.getNodeFactory().numberNode(i)
								: JSON.getNodeFactory().stringNode("x" + i));
					}
					slot.set(huge);
				}
				case 5 -> {
					slot.set(JSON.getNodeFactory().stringNode(DEEP));
					deep = 10 + random.nextInt(3000);
				}
				default -> slot.set(swapType(swapType(value, random), random));
			}
		}
		String text = JSON.writeValueAsString(root);
		return deep == 0 ? text : text.replace("\"" + DEEP + "\"", "[".repeat(deep) + "]".repeat(deep));
	}

	private static JsonNode swapType(JsonNode value, Random random) {
		var nodes = JSON.getNodeFactory();
		if (value == null || value.isNull()) {
			return nodes.stringNode("was null");
		}
		if (value.isString()) {
			return switch (random.nextInt(4)) {
				case 0 -> nodes.booleanNode(random.nextBoolean());
				case 1 -> nodes.numberNode(random.nextLong());
				case 2 -> JSON.createObjectNode().put("was", value.asString());
				default -> JSON.createArrayNode().add(value);
			};
		}
		if (value.isBoolean()) {
			return random.nextBoolean() ? nodes.stringNode(String.valueOf(value.booleanValue())) : nodes.numberNode(1);
		}
		if (value.isNumber()) {
			return random.nextBoolean() ? nodes.stringNode(value.asString()) : nodes.numberNode(1e300);
		}
		return random.nextBoolean() ? nodes.stringNode("was a container") : nodes.booleanNode(true);
	}

	private static String withNul(JsonNode value, Random random) {
		String text = value != null && value.isString() ? value.asString() : "refs/heads/main";
		int at = random.nextInt(text.length() + 1);
		return text.substring(0, at) + "\u0000" + text.substring(at);
	}

	/** One of {@link #READ} that this payload has, as a slot in its parent. */
	private static Slot readField(ObjectNode root, Random random) {
		String[] path = READ.get(random.nextInt(READ.size()));
		JsonNode parent = root;
		for (int i = 0; i < path.length - 1; i++) {
			parent = parent.get(path[i]);
			if (parent == null || !parent.isObject()) {
				return null;
			}
		}
		return new Slot(parent, path[path.length - 1], -1);
	}

	/** Any node of the tree, reached by a random walk from the root. */
	private static Slot anyNode(ObjectNode root, Random random) {
		JsonNode parent = root;
		Slot slot = null;
		for (int depth = 0; depth < 6 && parent.isContainer() && !parent.isEmpty(); depth++) {
			if (parent.isObject()) {
				List<String> names = new ArrayList<>(parent.propertyNames());
				slot = new Slot(parent, names.get(random.nextInt(names.size())), -1);
			}
			else {
				slot = new Slot(parent, null, random.nextInt(parent.size()));
			}
			JsonNode child = slot.get();
			if (child == null || !child.isContainer() || random.nextInt(3) == 0) {
				break;
			}
			parent = child;
		}
		return slot;
	}

	/** A place in an object (by name) or an array (by index). */
	record Slot(JsonNode parent, String name, int index) {

		JsonNode get() {
			return name != null ? parent.get(name) : parent.get(index);
		}

		void set(JsonNode value) {
			if (name != null) {
				((ObjectNode) parent).set(name, value);
			}
			else {
				((ArrayNode) parent).set(index, value);
			}
		}

		void remove() {
			if (name != null) {
				((ObjectNode) parent).remove(name);
			}
			else {
				((ArrayNode) parent).remove(index);
			}
		}
	}
}
