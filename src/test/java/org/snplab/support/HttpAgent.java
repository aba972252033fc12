package org.snplab.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/** A registered host driven by hand through the real agent HTTP API, like the agent would: claim, log, upload, finish. */
public final class HttpAgent {

	private final String baseUrl;

	public final long hostId;

	private final HttpApi api;

	private final String credential;

	private final HttpClient client = HttpClient.newHttpClient();

	public HttpAgent(String baseUrl, String name, Map<String, String> facts) {
		this(baseUrl, name, facts, null);
	}

	/** An agent that reports where other hosts reach it ({@code --address}); null: it says nothing. */
	public HttpAgent(String baseUrl, String name, Map<String, String> facts, String address) {
		this.baseUrl = baseUrl;
		Map<String, Object> body = new java.util.HashMap<>(Map.of("name", name, "slots", 1, "labels", Map.of(), "facts", facts));
		if (address != null) {
			body.put("address", address);
		}
		JsonNode registered = HttpApi.bearer(baseUrl, ServerIntegrationTest.REGISTRATION_TOKEN)
			.post("/api/agent/register", body)
			.json();
		this.hostId = registered.get("hostId").asLong();
		this.credential = registered.get("credential").asString();
		this.api = HttpApi.bearer(baseUrl, credential);
	}

	/** The claimed job, or null when the server has nothing for this host (204). */
	public JsonNode poll() {
		HttpApi.Response response = api.post("/api/agent/poll", Map.of("slot", 0, "waitSeconds", 0));
		if (response.status() == 204) {
			return null;
		}
		if (response.status() != 200) {
			throw new AssertionError("poll answered " + response.status() + ": " + response.body());
		}
		return response.json();
	}

	/** The HTTP status a poll gets, for tests of refused agents. */
	public int pollStatus() {
		return api.post("/api/agent/poll", Map.of("slot", 0, "waitSeconds", 0)).status();
	}

		/** Reports how a polled job ended; anything but 200 fails the test. */
	public void finish(JsonNode job, String result, String reason, int exitCode) {
		HttpApi.Response response = api.post("/api/agent/jobs/" + job.get("jobId").asLong() + "/finish?attempt="
				+ job.get("attempt").asInt(), Map.of("result", result, "reason", reason, "exitCode", exitCode));
		if (response.status() != 200) {
			throw new AssertionError("finish answered " + response.status() + ": " + response.body());
		}
	}

	/** Posts a finish body as given and returns the answer, for tests of what the server refuses. */
	public HttpApi.Response finishAnswer(long jobId, int attempt, Map<String, Object> body) {
		return api.post("/api/agent/jobs/" + jobId + "/finish?attempt=" + attempt, body);
	}

	/** @return the claimed job's id */
	public long claim() {
		HttpApi.Response response = api.post("/api/agent/poll", Map.of("slot", 0, "waitSeconds", 0));
		if (response.status() != 200) {
			throw new IllegalStateException("no job to claim: " + response.status() + " " + response.body());
		}
		return response.json().get("jobId").asLong();
	}

	/** Heartbeats the job every second from now on, so its short test lease never runs out. */
	public java.util.concurrent.ScheduledExecutorService keepAlive(long jobId) {
		java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
		timer.scheduleWithFixedDelay(() -> api.post("/api/agent/jobs/" + jobId + "/heartbeat?attempt=1", ""), 0, 1,
				java.util.concurrent.TimeUnit.SECONDS);
		return timer;
	}

	/** {@code snplab-send KEY VALUE} of this host's running attempt of a gang's role, as the agent forwards it. */
	public HttpApi.Response send(long jobId, int attempt, String key, String value) {
		java.util.Map<String, Object> body = new java.util.HashMap<>();
		body.put("key", key);
		body.put("value", value);
		return api.post("/api/agent/jobs/" + jobId + "/send?attempt=" + attempt, body);
	}

	/** {@code snplab-wait ROLE KEY}: 200 with the value, or 204 when it wasn't sent within waitSeconds. */
	public HttpApi.Response await(long jobId, int attempt, String role, String key, int waitSeconds) {
		return api.post("/api/agent/jobs/" + jobId + "/wait?attempt=" + attempt,
				Map.of("role", role, "key", key, "waitSeconds", waitSeconds));
	}

	public int log(long jobId, int seq, String text) {
		return api.postText("/api/agent/jobs/" + jobId + "/log?attempt=1&seq=" + seq, text).status();
	}

	/** Sends a log chunk of raw bytes, as the agent does: the output of a step need not be text. */
	public int log(long jobId, int seq, byte[] bytes) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/agent/jobs/" + jobId + "/log?attempt=1&seq=" + seq))
			.header("Authorization", "Bearer " + credential)
			.header("Content-Type", "application/octet-stream")
			.POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
			.build();
		return client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
	}

	/** The status of a heartbeat with these facts and labels. */
	public int heartbeat(Map<String, String> facts, Map<String, String> labels) {
		return api.post("/api/agent/heartbeat", Map.of("facts", facts, "labels", labels, "slots", 1)).status();
	}

	public int finish(long jobId, String result, String reason) {
		return api.post("/api/agent/jobs/" + jobId + "/finish?attempt=1",
				Map.of("result", result, "reason", reason == null ? "" : reason, "exitCode", 1)).status();
	}

	public int upload(long jobId, String kind, String name, Path file) throws IOException, InterruptedException {
		return uploadAnswer(jobId, kind, name, file).status();
	}

	/** Uploads a file; the answer's status and body. */
	public Answer uploadAnswer(long jobId, String kind, String name, Path file) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/agent/jobs/" + jobId + "/files/" + kind + "/" + name + "?attempt=1"))
			.header("Authorization", "Bearer " + credential)
			.PUT(HttpRequest.BodyPublishers.ofFile(file))
			.build();
		HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
		return new Answer(response.statusCode(), response.body());
	}

	public record Answer(int status, String body) {
	}
}
