package org.snplab.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.BeforeEach;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A {@link ServerIntegrationTest} whose server notifies a local webhook ({@link #webhook}) and mail server
 * ({@link #inbox}), and pauses only briefly
 * between power operations. Every subclass shares one server.
 */
public abstract class PowerIntegrationTest extends ServerIntegrationTest {

	protected static final Webhook webhook = Webhook.start();

	protected static final SmtpInbox inbox = SmtpInbox.start();

	@DynamicPropertySource
	static void power(DynamicPropertyRegistry registry) {
		registry.add("snplab.notify.url", () -> "http://127.0.0.1:" + webhook.port() + "/hook");
		registry.add("snplab.notify.interval", () -> "1s");
		registry.add("snplab.notify.email", () -> "admins@lab.example");
		registry.add("spring.mail.host", () -> "127.0.0.1");
		registry.add("spring.mail.port", () -> Integer.toString(inbox.port()));
		registry.add("snplab.power.quiet-period", () -> "100ms");
		registry.add("snplab.power.attempts", () -> "3");
		registry.add("snplab.power.command-timeout", () -> "20s");
	}

	@BeforeEach
	void forgetNotifications() {
		webhook.reset();
		inbox.clear();
	}

	protected HttpApi admin() {
		return HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD);
	}

	/**
	 * Registers hosts that take work but never ask for any: with them, the fleet's quarantine cap (30%, never the
	 * last good host) leaves room to quarantine one failing host.
	 */
	protected void healthyBystanders(String prefix) {
		for (int i = 1; i <= 3; i++) {
			registeredHost(prefix + "-bystander-" + i);
		}
	}

	/** Registers a host through the agent API; its id. */
	protected long registeredHost(String name) {
		return HttpApi.bearer(baseUrl(), REGISTRATION_TOKEN)
			.post("/api/agent/register", java.util.Map.of("name", name))
			.json()
			.get("hostId")
			.asLong();
	}

	/** An incoming webhook as Slack's: records each JSON body; answers 500 to the next {@link #failNext} posts. */
	public static final class Webhook {

		private static final JsonMapper JSON = JsonMapper.builder().build();

		private final HttpServer server;

		private final List<JsonNode> received = new CopyOnWriteArrayList<>();

		private final AtomicInteger failures = new AtomicInteger();

		private final AtomicInteger refused = new AtomicInteger();

		private Webhook(HttpServer server) {
			this.server = server;
		}

		static Webhook start() {
			try {
				HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
				Webhook webhook = new Webhook(server);
				server.createContext("/hook", exchange -> {
					byte[] body = exchange.getRequestBody().readAllBytes();
					boolean fail = webhook.failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
					if (fail) {
						webhook.refused.incrementAndGet();
					}
					else {
						webhook.received.add(JSON.readTree(new String(body, StandardCharsets.UTF_8)));
					}
					byte[] answer = (fail ? "down for maintenance" : "ok").getBytes(StandardCharsets.UTF_8);
					exchange.sendResponseHeaders(fail ? 500 : 200, answer.length);
					exchange.getResponseBody().write(answer);
					exchange.close();
				});
				server.start();
				return webhook;
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		public int port() {
			return server.getAddress().getPort();
		}

		public void reset() {
			received.clear();
			failures.set(0);
			refused.set(0);
		}

		/** The next {@code count} posts are answered 500. */
		public void failNext(int count) {
			failures.set(count);
		}

		/** Posts answered 500 so far. */
		public int refused() {
			return refused.get();
		}

		/** The bodies accepted, oldest first. */
		public List<JsonNode> received() {
			return List.copyOf(received);
		}

		/** Bodies accepted of this event ({@code snplab.event}). */
		public List<JsonNode> received(String event) {
			return received.stream().filter(body -> event.equals(body.path("snplab").path("event").asString())).toList();
		}
	}
}
