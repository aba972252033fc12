package org.snplab.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.snplab.agent.api.AgentApi;
import org.snplab.protocol.AgentProtocol.Finish;
import org.snplab.protocol.AgentProtocol.Job;
import org.snplab.protocol.AgentProtocol.Section;

import tools.jackson.databind.JsonNode;

/**
 * The server side of the agent protocol over real HTTP, on a free loopback port: records what the agent sends,
 * hands out queued jobs, cancels on demand and can fail chosen log posts with 500 to make the agent resend. Given a
 * lease, it loses a job whose heartbeats stopped for that long, as the real server does.
 */
public final class FakeSnplabServer implements AutoCloseable {

	public static final String REGISTRATION_TOKEN = "registration-token";

	public static final String CREDENTIAL = "host-credential-1";

	private static final Pattern JOB_CALL = Pattern.compile("/api/agent/jobs/(\\d+)/(log|heartbeat|finish|files/(\\w+)/(.+))");

	/** One log post as received: seq, body, and whether it was answered with an error. */
	public record LogPost(long jobId, long seq, byte[] body, boolean failed) {
	}

	public record Upload(long jobId, String kind, String path, byte[] body) {
	}

	private final HttpServer http;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final LinkedBlockingQueue<Job> jobs = new LinkedBlockingQueue<>();

	public final AtomicInteger registrations = new AtomicInteger();

	public final List<JsonNode> heartbeats = new CopyOnWriteArrayList<>();

	public final List<String> authorizations = new CopyOnWriteArrayList<>();

	public final Map<Long, Integer> slotOfJob = new ConcurrentHashMap<>();

	public final List<LogPost> logPosts = new CopyOnWriteArrayList<>();

	public final List<Upload> uploads = new CopyOnWriteArrayList<>();

	/** How each job finished, without its workspace (see {@link #workspaces}) and sections (see {@link #sections}). */
	public final Map<Long, Finish> finishes = new ConcurrentHashMap<>();

	/** Where each finished job ran, as its agent reported. */
	public final Map<Long, String> workspaces = new ConcurrentHashMap<>();

	public final Map<Long, List<Section>> sections = new ConcurrentHashMap<>();

	public final AtomicInteger jobHeartbeats = new AtomicInteger();

	private final Set<Long> canceled = ConcurrentHashMap.newKeySet();

	private final Set<Long> leaseLost = ConcurrentHashMap.newKeySet();

	// seq → true: store the chunk, then answer 500 (a lost answer); false: answer 500 without storing it.
	private final Map<Long, Boolean> failLogOnce = new ConcurrentHashMap<>();

	private final Map<Long, Map<Long, byte[]>> storedLog = new ConcurrentHashMap<>();

	private volatile boolean credentialRevoked;

	private volatile int maxUploadBytes = Integer.MAX_VALUE;

	// null: leases never expire
	private volatile Duration lease;

	// System.nanoTime() of each job's hand-out or latest heartbeat
	private final Map<Long, Long> renewedAt = new ConcurrentHashMap<>();

	private volatile Duration uploadDelay = Duration.ZERO;

	public FakeSnplabServer() throws IOException {
		http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		http.setExecutor(executor);
		http.createContext("/", this::handle);
		http.start();
	}

	public URI url() {
		return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
	}

	public void enqueue(Job job) {
		jobs.add(job);
	}

	public void cancel(long jobId) {
		canceled.add(jobId);
	}

	/** Every later call about this job is answered 409, as when its lease went to another host. */
	public void loseLease(long jobId) {
		leaseLost.add(jobId);
	}

	/**
	 * From now on, a job without a heartbeat for this long (since it was handed out) loses its lease: every later
	 * call about it is answered 409.
	 */
	public void lease(Duration lease) {
		this.lease = lease;
	}

	/** Each upload is answered only after this long, as over a slow uplink. */
	public void delayUploads(Duration delay) {
		uploadDelay = delay;
	}

	public void revokeCredential() {
		credentialRevoked = true;
	}

	public void maxUploadBytes(int max) {
		maxUploadBytes = max;
	}

	/** The first post of this seq fails with 500; {@code afterStoring}: the chunk is kept all the same. */
	public void failLogPostOnce(long seq, boolean afterStoring) {
		failLogOnce.put(seq, afterStoring);
	}

	/** The job's log as the server stored it: chunks by seq, each seq once. */
	public String log(long jobId) {
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		storedLog.getOrDefault(jobId, Map.of()).entrySet().stream()
			.sorted(Map.Entry.comparingByKey())
			.forEach(e -> all.writeBytes(e.getValue()));
		return all.toString(StandardCharsets.UTF_8);
	}

	public List<Long> storedSeqs(long jobId) {
		List<Long> seqs = new ArrayList<>(storedLog.getOrDefault(jobId, Map.of()).keySet());
		Collections.sort(seqs);
		return seqs;
	}

	public Finish awaitFinish(long jobId, Duration within) {
		await(() -> finishes.containsKey(jobId), within, "finish of job " + jobId);
		return finishes.get(jobId);
	}

	public static void await(BooleanSupplier condition, Duration within, String what) {
		long deadline = System.nanoTime() + within.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("timed out waiting for " + what);
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException e) {
				throw new AssertionError(e);
			}
		}
	}

	@Override
	public void close() {
		http.stop(0);
		executor.shutdownNow();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			String path = exchange.getRequestURI().getRawPath();
			Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
			byte[] body = read(exchange.getRequestBody());
			String auth = exchange.getRequestHeaders().getFirst("Authorization");
			authorizations.add(path + " " + auth);
			if (path.equals("/api/agent/register")) {
				if (!("Bearer " + REGISTRATION_TOKEN).equals(auth)) {
					respond(exchange, 401, "");
					return;
				}
				registrations.incrementAndGet();
				respond(exchange, 200, "{\"hostId\":1,\"credential\":\"" + CREDENTIAL + "\",\"heartbeatSeconds\":1}");
				return;
			}
			if (credentialRevoked || !("Bearer " + CREDENTIAL).equals(auth)) {
				respond(exchange, 401, "");
				return;
			}
			if (path.equals("/api/agent/heartbeat")) {
				heartbeats.add(AgentApi.JSON.readTree(body));
				respond(exchange, 200, "{\"state\":\"online\",\"heartbeatSeconds\":1}");
				return;
			}
			if (path.equals("/api/agent/poll")) {
				JsonNode poll = AgentApi.JSON.readTree(body);
				Job job = jobs.poll(Math.min(poll.get("waitSeconds").asInt() * 1000L, 200), TimeUnit.MILLISECONDS);
				if (job == null) {
					respond(exchange, 204, null);
					return;
				}
				slotOfJob.put(job.jobId(), poll.get("slot").asInt());
				renewedAt.put(job.jobId(), System.nanoTime());
				respond(exchange, 200, AgentApi.JSON.writeValueAsString(job));
				return;
			}
			Matcher m = JOB_CALL.matcher(path);
			if (!m.matches()) {
				respond(exchange, 404, "");
				return;
			}
			long jobId = Long.parseLong(m.group(1));
			Duration lease = this.lease;
			Long renewed = renewedAt.get(jobId);
			if (lease != null && renewed != null && System.nanoTime() - renewed > lease.toNanos()) {
				leaseLost.add(jobId);
			}
			if (leaseLost.contains(jobId)) {
				respond(exchange, 409, "");
				return;
			}
			switch (m.group(2)) {
				case "log" -> log(exchange, jobId, Long.parseLong(query.get("seq")), body);
				case "heartbeat" -> {
					jobHeartbeats.incrementAndGet();
					renewedAt.put(jobId, System.nanoTime());
					respond(exchange, 200, "{\"cancel\":" + canceled.contains(jobId) + "}");
				}
				case "finish" -> {
					Finish finish = AgentApi.JSON.readValue(body, Finish.class);
					if (finish.workspace() != null) {
						workspaces.put(jobId, finish.workspace());
					}
					finishes.put(jobId, new Finish(finish.result(), finish.reason(), finish.exitCode()));
					sections.put(jobId, finish.sections());
					respond(exchange, 200, "{}");
				}
				default -> {
					if (body.length > maxUploadBytes) {
						respond(exchange, 413, "");
						return;
					}
					Thread.sleep(uploadDelay.toMillis());
					String file = URLDecoder.decode(m.group(4), StandardCharsets.UTF_8);
					uploads.add(new Upload(jobId, m.group(3), file, body));
					respond(exchange, 204, null);
				}
			}
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	private void log(HttpExchange exchange, long jobId, long seq, byte[] body) throws IOException {
		Boolean afterStoring = failLogOnce.remove(seq);
		if (afterStoring == null || afterStoring) {
			// Duplicates are ignored, as the real server does: the first copy of a seq is the one kept.
			storedLog.computeIfAbsent(jobId, k -> new ConcurrentHashMap<>()).putIfAbsent(seq, body);
		}
		logPosts.add(new LogPost(jobId, seq, body, afterStoring != null));
		respond(exchange, afterStoring != null ? 500 : 204, null);
	}

	private static Map<String, String> query(String raw) {
		Map<String, String> query = new HashMap<>();
		if (raw != null) {
			for (String pair : raw.split("&")) {
				String[] kv = pair.split("=", 2);
				query.put(kv[0], kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
			}
		}
		return query;
	}

	private static byte[] read(InputStream in) throws IOException {
		return in.readAllBytes();
	}

	private static void respond(HttpExchange exchange, int status, String body) throws IOException {
		if (body == null) {
			exchange.sendResponseHeaders(status, -1);
			return;
		}
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
		exchange.getResponseBody().write(bytes);
	}
}
