package org.snplab.agent.api;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.snplab.NetworkErrors;
import org.snplab.SnplabVersion;
import org.snplab.protocol.AgentProtocol.Finish;
import org.snplab.protocol.AgentProtocol.HostHeartbeat;
import org.snplab.protocol.AgentProtocol.HostHeartbeatResponse;
import org.snplab.protocol.AgentProtocol.Job;
import org.snplab.protocol.AgentProtocol.JobHeartbeatResponse;
import org.snplab.protocol.AgentProtocol.PollRequest;
import org.snplab.protocol.AgentProtocol.RegisterRequest;
import org.snplab.protocol.AgentProtocol.RegisterResponse;
import org.snplab.protocol.AgentProtocol.RendezvousSend;
import org.snplab.protocol.AgentProtocol.RendezvousValue;
import org.snplab.protocol.AgentProtocol.RendezvousWait;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * HTTP client of the agent protocol, one method per call. Methods throw {@link IOException} for anything that
 * may be retried (network, 5xx) and its subclasses {@link ApiException.LeaseLost} (409) and
 * {@link ApiException.Rejected} (401/403) for answers that must not be; retrying is the caller's business.
 */
public final class AgentApi {

	/** Unknown fields are ignored so that a newer server can add some without breaking older agents. */
	public static final JsonMapper JSON = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

	// Long enough for a large artifact on a slow lab uplink.
	private static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(30);

	// The poll is held open by the server for up to waitSeconds; give the answer time to arrive after that.
	private static final Duration POLL_MARGIN = Duration.ofSeconds(15);

	private final HttpClient http;

	private final URI server;

	private final String bearer;

	public AgentApi(URI server, String bearer) {
		this(server, bearer, AgentTls.SYSTEM);
	}

	/** @throws IllegalArgumentException for a plain-http server elsewhere than loopback, or unusable TLS files */
	public AgentApi(URI server, String bearer, AgentTls tls) {
		// HTTP/1.1: no h2c upgrade dance with whatever proxy sits in front of the server.
		this(tls.configure(HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(10))).build(), server, bearer);
		tls.check(server);
	}

	private AgentApi(HttpClient http, URI server, String bearer) {
		this.http = http;
		this.server = server;
		this.bearer = bearer;
	}

	/** The same server with another bearer token (registration token → host credential). */
	public AgentApi withBearer(String token) {
		return new AgentApi(http, server, token);
	}

	public URI server() {
		return server;
	}

	public RegisterResponse register(RegisterRequest body) throws IOException, InterruptedException {
		return read(send(json("/api/agent/register", body), CALL_TIMEOUT, 200), RegisterResponse.class);
	}

	public HostHeartbeatResponse heartbeat(HostHeartbeat body) throws IOException, InterruptedException {
		return read(send(json("/api/agent/heartbeat", body), CALL_TIMEOUT, 200), HostHeartbeatResponse.class);
	}

	/** Empty when the server had no job for this slot within waitSeconds. */
	public Optional<Job> poll(int slot, int waitSeconds) throws IOException, InterruptedException {
		HttpResponse<String> response = send(json("/api/agent/poll", new PollRequest(slot, waitSeconds)),
				Duration.ofSeconds(waitSeconds).plus(POLL_MARGIN), 200, 204);
		return response.statusCode() == 204 ? Optional.empty() : Optional.of(read(response, Job.class));
	}

	public void log(long jobId, int attempt, long seq, byte[] chunk) throws IOException, InterruptedException {
		HttpRequest.Builder request = request("/api/agent/jobs/" + jobId + "/log?attempt=" + attempt + "&seq=" + seq)
			.header("Content-Type", "text/plain; charset=utf-8")
			.POST(BodyPublishers.ofByteArray(chunk));
		send(request, CALL_TIMEOUT, 200, 204);
	}

	public boolean jobHeartbeat(long jobId, int attempt) throws IOException, InterruptedException {
		HttpRequest.Builder request = request("/api/agent/jobs/" + jobId + "/heartbeat?attempt=" + attempt)
			.POST(BodyPublishers.noBody());
		return read(send(request, CALL_TIMEOUT, 200), JobHeartbeatResponse.class).cancel();
	}

	/** Streams the file; false when the server refused it as too large (413). */
	public boolean upload(long jobId, int attempt, String kind, String relativePath, Path file)
			throws IOException, InterruptedException {
		String target = "/api/agent/jobs/" + jobId + "/files/" + kind + "/" + encode(relativePath) + "?attempt="
				+ attempt;
		HttpRequest.Builder request = request(target).header("Content-Type", "application/octet-stream")
			.PUT(BodyPublishers.ofFile(file));
		return send(request, UPLOAD_TIMEOUT, 200, 204, 413).statusCode() != 413;
	}

	public void finish(long jobId, int attempt, Finish body) throws IOException, InterruptedException {
		send(json("/api/agent/jobs/" + jobId + "/finish?attempt=" + attempt, body), CALL_TIMEOUT, 200, 204);
	}

	/**
	 * A step's {@code snplab-send KEY VALUE} for this job's role.
	 * @throws ApiException.Refused with the server's reason (not a multi-host job, the key sent with another value...)
	 */
	public void send(long jobId, int attempt, String key, String value) throws IOException, InterruptedException {
		explained(send(json("/api/agent/jobs/" + jobId + "/send?attempt=" + attempt, new RendezvousSend(key, value)),
				CALL_TIMEOUT, 200, 400, 404, 409, 413));
	}

	/**
	 * A step's {@code snplab-wait ROLE KEY}: the value, or empty when it wasn't sent within {@code waitSeconds}
	 * (at most 25).
	 * @throws ApiException.Refused with the server's reason (no such role in the gang, the attempt is over...)
	 */
	public Optional<String> await(long jobId, int attempt, String role, String key, int waitSeconds)
			throws IOException, InterruptedException {
		HttpResponse<String> response = explained(send(json("/api/agent/jobs/" + jobId + "/wait?attempt=" + attempt,
				new RendezvousWait(role, key, (long) waitSeconds)),
				Duration.ofSeconds(waitSeconds).plus(POLL_MARGIN), 200, 204, 400, 404, 409));
		return response.statusCode() == 204 ? Optional.empty()
				: Optional.of(read(response, RendezvousValue.class).value());
	}

	/** A 4xx the server explained (the {@code detail} of its RFC 9457 problem) becomes {@link ApiException.Refused}. */
	private static HttpResponse<String> explained(HttpResponse<String> response) throws ApiException.Refused {
		if (response.statusCode() < 400) {
			return response;
		}
		throw new ApiException.Refused(response.statusCode(), detailOf(response.body())
			.orElseGet(() -> "the server answered " + response.statusCode() + whyOf(response.body())));
	}

	/**
	 * Each segment encoded on its own, slashes kept ("a/b c.xml" → "a/b%20c.xml"): servers and proxies commonly
	 * refuse an encoded slash.
	 */
	static String encode(String relativePath) {
		return java.util.Arrays.stream(relativePath.split("/", -1))
			.map(segment -> URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"))
			.collect(java.util.stream.Collectors.joining("/"));
	}

	private HttpRequest.Builder request(String pathAndQuery) {
		String base = server.toString().replaceAll("/+$", "");
		return HttpRequest.newBuilder(URI.create(base + pathAndQuery))
			.header("Authorization", "Bearer " + bearer)
			.header(SnplabVersion.PROTOCOL_HEADER, Integer.toString(SnplabVersion.AGENT_PROTOCOL))
			.header(SnplabVersion.VERSION_HEADER, SnplabVersion.current());
	}

	private HttpRequest.Builder json(String path, Object body) {
		BodyPublisher publisher = BodyPublishers.ofString(JSON.writeValueAsString(body), StandardCharsets.UTF_8);
		return request(path).header("Content-Type", "application/json").POST(publisher);
	}

	private HttpResponse<String> send(HttpRequest.Builder request, Duration timeout, int... expected)
			throws IOException, InterruptedException {
		HttpRequest built = request.timeout(timeout).build();
		HttpResponse<String> response;
		try {
			response = http.send(built, BodyHandlers.ofString(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new IOException(NetworkErrors.describe(built.method() + " " + built.uri().getPath(), server, ex), ex);
		}
		int status = response.statusCode();
		for (int ok : expected) {
			if (status == ok) {
				return response;
			}
		}
		String what = built.method() + " " + built.uri().getPath() + " → " + status;
		String why = what + whyOf(response.body());
		if (status == 409) {
			throw new ApiException.LeaseLost(why);
		}
		if (status == 401 || status == 403) {
			throw new ApiException.Rejected(status, why);
		}
		if (status == 426) {
			throw new ApiException.Outdated(why);
		}
		throw new ApiException(status, why);
	}

	/** ": " and the {@code detail} of the server's RFC 9457 problem, or the start of whatever else came back. */
	private static String whyOf(String body) {
		if (body == null || body.isBlank()) {
			return "";
		}
		return ": " + detailOf(body).orElseGet(() -> body.length() > 200 ? body.substring(0, 200) + "…" : body);
	}

	/** The {@code detail} of the server's RFC 9457 problem, if the body is one. */
	private static Optional<String> detailOf(String body) {
		try {
			JsonNode problem = body == null || body.isBlank() ? null : JSON.readTree(body);
			if (problem != null && problem.hasNonNull("detail")) {
				return Optional.of(problem.get("detail").asString());
			}
		}
		catch (JacksonException notJson) {
			// a proxy's page, say
		}
		return Optional.empty();
	}

	private static <T> T read(HttpResponse<String> response, Class<T> type) throws IOException {
		try {
			return JSON.readValue(response.body(), type);
		}
		catch (RuntimeException e) {
			throw new IOException("unreadable answer from server: " + e.getMessage(), e);
		}
	}
}
