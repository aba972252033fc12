package org.snplab.github;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A local stand-in for api.github.com: answers the REST calls snplab makes as GitHub does, records them, and can
 * be told to fail like GitHub during an outage.
 */
public final class FakeGithubApi implements AutoCloseable {

	public static final String TOKEN = "ghp-test-token";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	public record Call(String method, String path, String authorization, String accept, String apiVersion, JsonNode body) {
	}

	private final HttpServer server;

	private final List<Call> calls = new CopyOnWriteArrayList<>();

	private final AtomicInteger failuresLeft = new AtomicInteger();

	private volatile List<String> branches = List.of("[]");

	private volatile List<String> pulls = List.of("[]");

	private FakeGithubApi(HttpServer server) {
		this.server = server;
	}

	static FakeGithubApi start() throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		FakeGithubApi api = new FakeGithubApi(server);
		server.createContext("/", api::handle);
		server.start();
		return api;
	}

	String url() {
		return "http://127.0.0.1:" + server.getAddress().getPort();
	}

	void reset() {
		calls.clear();
		failuresLeft.set(0);
		branches = List.of("[]");
		pulls = List.of("[]");
	}

	/** The next {@code count} calls answer 500, as GitHub does when it has a bad day. */
	void failNext(int count) {
		failuresLeft.set(count);
	}

	/** The branches listing, one JSON list per page; pages after the first are linked as GitHub links them. */
	void branches(String... pages) {
		branches = List.of(pages);
	}

	void pulls(String... pages) {
		pulls = List.of(pages);
	}

	/** Every call answered (not failed on purpose), in order. */
	List<Call> calls() {
		return List.copyOf(calls);
	}

	/** Commit statuses GitHub accepted, in order. */
	public List<Call> statuses() {
		return calls.stream().filter(c -> c.path().contains("/statuses/")).toList();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange; InputStream in = exchange.getRequestBody()) {
			String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			String path = exchange.getRequestURI().toString();
			if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
				answer(exchange, 500, "{\"message\":\"Server Error\"}");
				return;
			}
			if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
				answer(exchange, 401, "{\"message\":\"Bad credentials\"}");
				return;
			}
			String method = exchange.getRequestMethod();
			if (method.equals("POST") && path.matches("/repos/[^/]+/[^/]+/statuses/[0-9a-f]{40}")) {
				calls.add(call(exchange, path, JSON.readTree(body)));
				answer(exchange, 201, body);
			}
			else if (method.equals("GET") && path.matches("/repos/[^/]+/[^/]+/branches(\\?.*)?")) {
				calls.add(call(exchange, path, null));
				answerPage(exchange, path, branches);
			}
			else if (method.equals("GET") && path.matches("/repos/[^/]+/[^/]+/pulls\\?state=open.*")) {
				calls.add(call(exchange, path, null));
				answerPage(exchange, path, pulls);
			}
			else {
				answer(exchange, 404, "{\"message\":\"Not Found\"}");
			}
		}
	}

	private static Call call(HttpExchange exchange, String path, JsonNode body) {
		var headers = exchange.getRequestHeaders();
		return new Call(exchange.getRequestMethod(), path, headers.getFirst("Authorization"), headers.getFirst("Accept"),
				headers.getFirst("X-GitHub-Api-Version"), body);
	}

	/** Page {@code ?page=N} (default 1), with a {@code Link} header to the next page unless it is the last. */
	private void answerPage(HttpExchange exchange, String path, List<String> pages) throws IOException {
		Matcher asked = Pattern.compile("[?&]page=(\\d+)").matcher(path);
		int page = asked.find() ? Integer.parseInt(asked.group(1)) : 1;
		if (page < pages.size()) {
			String next = url() + path.replaceAll("&page=\\d+", "") + "&page=" + (page + 1);
			exchange.getResponseHeaders().set("Link", "<" + next + ">; rel=\"next\", <" + url() + path + ">; rel=\"first\"");
		}
		answer(exchange, 200, page <= pages.size() ? pages.get(page - 1) : "[]");
	}

	private static void answer(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		exchange.getResponseBody().write(bytes);
	}

	@Override
	public void close() {
		server.stop(0);
	}
}
