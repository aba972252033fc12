package org.snplab.ctl;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.snplab.NetworkErrors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The server's JSON API as ctl uses it: bearer token, JSON in and out, every failure one {@link CtlException}. */
final class ServerApi {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final URI server;

	private final String token;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	ServerApi(URI server, String token) {
		this.server = server;
		this.token = token;
	}

	JsonNode get(String path) {
		return json("GET " + path, send(request(path).GET(), "GET " + path));
	}

	String getText(String path) {
		return send(request(path).GET(), "GET " + path);
	}

	JsonNode post(String path, Object body) {
		String text = body == null ? "" : JSON.writeValueAsString(body);
		return json("POST " + path, send(request(path).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(text)), "POST " + path));
	}

	static String toJson(JsonNode node) {
		return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
	}

	private HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(server.resolve(path))
			.timeout(Duration.ofSeconds(60))
			.header("Accept", "application/json")
			.header("Authorization", "Bearer " + token);
	}

	private String send(HttpRequest.Builder request, String what) {
		HttpResponse<String> response;
		try {
			response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw CtlException.unreachable(NetworkErrors.describe(what, server, ex));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw CtlException.unreachable(what + ": interrupted");
		}
		int status = response.statusCode();
		if (status / 100 == 2) {
			return response.body();
		}
		String error = errorOf(response.body());
		String message = what + ": " + status + " " + error;
		throw status >= 500 ? CtlException.unreachable(message) : CtlException.refused(message);
	}

	/** The {@code detail} of the API's RFC 9457 problem, or the start of whatever else came back. */
	private static String errorOf(String body) {
		try {
			JsonNode node = JSON.readTree(body);
			if (node != null && node.hasNonNull("detail")) {
				return node.get("detail").asString();
			}
		}
		catch (JacksonException ex) {
			// not JSON: a proxy's page, say
		}
		String text = body == null ? "" : body.strip().replaceAll("\\s+", " ");
		return text.isEmpty() ? "(no message)" : text.substring(0, Math.min(200, text.length()));
	}

	private static JsonNode json(String what, String body) {
		if (body == null || body.isBlank()) {
			return JSON.createObjectNode();
		}
		try {
			return JSON.readTree(body);
		}
		catch (JacksonException ex) {
			throw CtlException.unreachable(what + ": the answer is not JSON (a proxy in the way?)");
		}
	}
}
