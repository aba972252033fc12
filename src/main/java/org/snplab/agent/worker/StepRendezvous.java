package org.snplab.agent.worker;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.snplab.agent.api.AgentApi;
import org.snplab.agent.api.ApiException;
import org.snplab.protocol.AgentProtocol.Job;

import tools.jackson.databind.JsonNode;

/**
 * The agent's side of its steps' {@code snplab-send} and {@code snplab-wait}: a loopback HTTP endpoint opened for
 * one job and closed when it ends, which forwards to the server under the agent's credential. Steps reach it with
 * {@code SNPLAB_RENDEZVOUS_URL} and a random per-job token, {@code SNPLAB_RENDEZVOUS_TOKEN}, that nothing else
 * accepts: they never see the host's credential.
 * <p>
 * {@code POST /send} {@code {"key", "value"}} answers 200 {@code {}}; {@code POST /wait}
 * {@code {"role", "key", "timeoutSeconds"}} answers 200 {@code {"value"}} once the role sent the key, or 408 when
 * it didn't within the timeout (default and at most: the job's remaining time). Anything refused answers
 * {@code {"error": "..."}} with the reason, the server's own when it refused.
 */
public final class StepRendezvous implements AutoCloseable {

	public static final String URL_VARIABLE = "SNPLAB_RENDEZVOUS_URL";

	public static final String TOKEN_VARIABLE = "SNPLAB_RENDEZVOUS_TOKEN";

	/** The most a step's request may carry: the server's 64 KiB value limit, quoted in JSON, and some. */
	private static final int MAX_REQUEST_BYTES = 512 * 1024;

	/** Requests of the job's steps in progress at once; more are refused (the connection closed). */
	private static final int MAX_REQUESTS = 64;

	/** One server long-poll of a wait; the step's own wait is made of as many as its timeout takes. */
	private static final int SERVER_WAIT_SECONDS = 25;

	// A send is retried through a restarting server this long before the step is told it failed.
	private static final Duration SEND_FOR = Duration.ofSeconds(60);

	private final AgentApi api;

	private final Job job;

	/** When the job times out, in {@link System#nanoTime()}. */
	private final LongSupplier jobDeadline;

	private final String token;

	private final HttpServer server;

	private final ExecutorService handlers;

	private StepRendezvous(AgentApi api, Job job, LongSupplier jobDeadline, String token, HttpServer server,
			ExecutorService handlers) {
		this.api = api;
		this.job = job;
		this.jobDeadline = jobDeadline;
		this.token = token;
		this.server = server;
		this.handlers = handlers;
	}

	/** Opens the job's endpoint on a free loopback port. */
	static StepRendezvous open(AgentApi api, Job job, LongSupplier jobDeadline) throws IOException {
		byte[] random = new byte[32];
		new SecureRandom().nextBytes(random);
		String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
		HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
		// A thread per request in progress (a wait holds one), bounded: the steps are the code under test.
		ExecutorService handlers = new ThreadPoolExecutor(0, MAX_REQUESTS, 30, TimeUnit.SECONDS,
				new SynchronousQueue<>(), runnable -> {
					Thread thread = new Thread(runnable, "job-" + job.jobId() + "-rendezvous");
					thread.setDaemon(true);
					return thread;
				});
		StepRendezvous rendezvous = new StepRendezvous(api, job, jobDeadline, token, server, handlers);
		server.setExecutor(handlers);
		server.createContext("/", rendezvous::handle);
		server.start();
		return rendezvous;
	}

	/** What the steps are given to reach it. */
	Map<String, String> environment() {
		InetSocketAddress address = server.getAddress();
		return Map.of(URL_VARIABLE, "http://" + address.getAddress().getHostAddress() + ":" + address.getPort(),
				TOKEN_VARIABLE, token);
	}

	/** Closes the endpoint: the token stops working, waits in progress end. */
	@Override
	public void close() {
		server.stop(0);
		handlers.shutdownNow();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			Answer answer;
			try {
				answer = answer(exchange);
			}
			catch (InterruptedException e) {
				answer = new Answer(503, Map.of("error", "the job ended"));
			}
			catch (RuntimeException e) {
				answer = new Answer(500, Map.of("error", "agent error: " + e));
			}
			byte[] body = AgentApi.JSON.writeValueAsBytes(answer.body());
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(answer.status(), body.length);
			exchange.getResponseBody().write(body);
		}
	}

	private record Answer(int status, Map<String, String> body) {

		static Answer error(int status, String message) {
			return new Answer(status, Map.of("error", message));
		}
	}

	private Answer answer(HttpExchange exchange) throws IOException, InterruptedException {
		String authorization = exchange.getRequestHeaders().getFirst("Authorization");
		if (authorization == null || !MessageDigest.isEqual(("Bearer " + token).getBytes(StandardCharsets.UTF_8),
				authorization.getBytes(StandardCharsets.UTF_8))) {
			return Answer.error(401, "wrong or missing token: give the job's " + TOKEN_VARIABLE);
		}
		String path = exchange.getRequestURI().getPath();
		if (!"POST".equals(exchange.getRequestMethod()) || !(path.equals("/send") || path.equals("/wait"))) {
			return Answer.error(404, "no " + exchange.getRequestMethod() + " " + path + ": POST /send or POST /wait");
		}
		byte[] bytes;
		try (InputStream in = exchange.getRequestBody()) {
			bytes = in.readNBytes(MAX_REQUEST_BYTES + 1);
		}
		if (bytes.length > MAX_REQUEST_BYTES) {
			return Answer.error(413, "request over " + MAX_REQUEST_BYTES + " bytes");
		}
		JsonNode request;
		try {
			request = AgentApi.JSON.readTree(bytes);
		}
		catch (RuntimeException e) {
			return Answer.error(400, "unreadable request: " + e.getMessage());
		}
		String key = text(request, "key");
		if (path.equals("/send")) {
			return send(key, text(request, "value"));
		}
		JsonNode timeout = request.path("timeoutSeconds");
		return await(text(request, "role"), key, timeout.isNumber() ? timeout.asLong() : null);
	}

	private Answer send(String key, String value) throws InterruptedException {
		try {
			Retry.call("snplab-send of job " + job.jobId(), SEND_FOR, () -> {
				api.send(job.jobId(), job.attempt(), key, value);
				return null;
			});
			return new Answer(200, Map.of());
		}
		catch (ApiException.Refused e) {
			return Answer.error(e.status(), e.getMessage());
		}
		catch (ApiException.Rejected e) {
			return Answer.error(502, "the server refused this agent's credential");
		}
		catch (IOException e) {
			return Answer.error(502, "server unreachable: " + e.getMessage());
		}
	}

	/** Asks the server again and again until the message is there or the time is up. */
	private Answer await(String role, String key, Long timeoutSeconds) throws InterruptedException {
		long now = System.nanoTime();
		long jobLeft = Math.max(0, jobDeadline.getAsLong() - now);
		long wanted = timeoutSeconds == null ? jobLeft : Duration.ofSeconds(Math.max(0, timeoutSeconds)).toNanos();
		long within = Math.min(wanted, jobLeft);
		long deadline = now + within;
		String unreachable = null;
		Retry retry = new Retry();
		while (true) {
			long left = deadline - System.nanoTime();
			// At least a second while time is left: a wait of 0 would be answered at once and asked again at once.
			int wait = left <= 0 ? 0 : (int) Math.max(1, Math.min(SERVER_WAIT_SECONDS, Duration.ofNanos(left).toSeconds()));
			try {
				Optional<String> value = api.await(job.jobId(), job.attempt(), role, key, wait);
				if (value.isPresent()) {
					return new Answer(200, Map.of("value", value.get()));
				}
				unreachable = null;
				retry.reset();
			}
			catch (ApiException.Refused e) {
				return Answer.error(e.status(), e.getMessage());
			}
			catch (ApiException.Rejected e) {
				return Answer.error(502, "the server refused this agent's credential");
			}
			catch (IOException e) {
				unreachable = e.getMessage();
				if (System.nanoTime() < deadline) {
					retry.pause();
				}
			}
			if (System.nanoTime() >= deadline) {
				long seconds = Duration.ofNanos(within).toSeconds();
				return Answer.error(408, "no " + key + " from " + role + " within " + seconds + " s"
						+ (within < wanted ? " (the job's remaining time)" : "")
						+ (unreachable == null ? "" : "; the server was unreachable: " + unreachable));
			}
		}
	}

	private static String text(JsonNode request, String field) {
		JsonNode value = request.path(field);
		return value.isNull() || value.isMissingNode() ? null : value.asString();
	}
}
