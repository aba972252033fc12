package org.snplab.benchmark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.snplab.SnplabApplication;
import org.snplab.hosts.Host;
import org.snplab.hosts.HostRegistry;
import org.snplab.queue.JobQueue;
import org.snplab.pipeline.PipelineParser;
import org.snplab.queue.RunService;
import org.snplab.support.TestDatabases;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The queue under load, through the real HTTP agent API and a real PostgreSQL: claim cost and throughput with
 * 1,000 and 100,000 queued jobs, the whole job lifecycle (poll + finish), and dispatch latency (job committed →
 * parked agent has it) with that many jobs queued that the parked agents can't run; db-scheduler's lock-and-fetch
 * rate on the same PostgreSQL before and after, as the yardstick ({@link DbSchedulerBaseline}). Run with
 * {@code mvn -B -Pbenchmark test -Dtest=QueueBenchmark}; results go to stdout and {@code target/benchmarks/queue.md}.
 * Not part of the normal test suite: it measures, it doesn't assert.
 */
class QueueBenchmark {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final int THREADS = 8;

	private static final int SLOTS = 64;

	private ConfigurableApplicationContext server;

	private String baseUrl;

	private JdbcClient db;

	private RunService runs;

	private HostRegistry hosts;

	private int hostCounter;

	@Test
	void queueUnderLoad() throws Exception {
		double baselineBefore = DbSchedulerBaseline.executionsPerSecond(TestDatabases.newDatabase(), THREADS, 2_000, 10_000);
		server = new SpringApplicationBuilder(SnplabApplication.class).run("--server.port=0",
				"--spring.datasource.url=" + TestDatabases.newDatabase(),
				"--snplab.data-dir=" + Files.createTempDirectory("snplab-bench"), "--snplab.agent.registration-token=bench",
				"--snplab.queue.lease=3600s", "--snplab.queue.poll-sweep=10m", "--logging.level.root=WARN",
				"--spring.datasource.hikari.maximum-pool-size=40", "--SNPLAB_ADMIN_PASSWORD=bench");
		try {
			baseUrl = "http://127.0.0.1:" + ((WebServerApplicationContext) server).getWebServer().getPort();
			db = server.getBean(JdbcClient.class);
			runs = server.getBean(RunService.class);
			hosts = server.getBean(HostRegistry.class);
			StringBuilder report = new StringBuilder();
			report.append("| queued jobs | claim p50 (1 agent, HTTP) | claim p99 (1 agent, HTTP) | claim p50 (in-process) | claims/s (8 agents, HTTP) | jobs/s, poll + finish (8 agents, HTTP) | dispatch p50 | dispatch p99 | dispatch max |\n");
			report.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
			for (int depth : new int[] { 1_000, 100_000 }) {
				report.append(measure(depth)).append('\n');
			}
			server.close();
			double baselineAfter = DbSchedulerBaseline.executionsPerSecond(TestDatabases.newDatabase(), THREADS, 2_000, 10_000);
			report.append(String.format("%ndb-scheduler 16.7.1, lock-and-fetch, %d threads, same PostgreSQL: %,.0f executions/s "
					+ "before, %,.0f after%n", THREADS, baselineBefore, baselineAfter));
			System.out.println("\n" + report);
			Path out = Path.of("target", "benchmarks", "queue.md");
			Files.createDirectories(out.getParent());
			Files.writeString(out, report.toString());
		}
		finally {
			server.close();
		}
	}

	private String measure(int depth) throws Exception {
		db.sql("truncate log_chunk, artifact, job_attempt, job, run cascade").update();
		long anySet = requirementSetOf("jobs: { seed: { steps: [ \"true\" ] } }");
		topUp(anySet, depth);

		// Claim cost: one agent alone, 200 claims, queue stays near the depth. (Counts are small: on this shared 2-vCPU
		// VM a whole run must fit in a few minutes; raise them on a quiet machine.)
		claimRound(300, anySet, depth); // warm-up: let the JIT compile the whole HTTP path
		long[] latencies = claimRound(200, anySet, depth);
		Arrays.sort(latencies);
		long[] direct = directClaims(200, anySet, depth);
		Arrays.sort(direct);

		// Throughput: 8 agents at once, in rounds of 400 claims topped up between rounds.
		List<String> many = credentials(THREADS);
		claimConcurrently(many, 400, anySet, depth); // warm-up
		long claims = 0;
		long nanos = 0;
		for (int round = 0; round < 4; round++) {
			nanos += claimConcurrently(many, 400, anySet, depth); // within a depth of 1,000 before the top-up
			claims += 400;
		}
		double perSecond = claims / (nanos / 1e9);

		// The whole lifecycle: 8 agents, each polls for a job and reports it finished, again and again.
		List<String> workers = credentials(THREADS);
		lifecycle(workers, 25, anySet, depth); // warm-up
		double jobsPerSecond = 0;
		for (int round = 0; round < 2; round++) {
			jobsPerSecond += lifecycle(workers, 50, anySet, depth) / 2;
		}

		long[] dispatch = dispatchLatencies(depth);
		Arrays.sort(dispatch);
		return String.format("| %,d | %.2f ms | %.2f ms | %.2f ms | %,.0f | %,.0f | %.2f ms | %.2f ms | %.2f ms |", depth,
				percentile(latencies, 50), percentile(latencies, 99), percentile(direct, 50), perSecond, jobsPerSecond,
				percentile(dispatch, 50),
				percentile(dispatch, 99), dispatch[dispatch.length - 1] / 1e6);
	}

	/** Sequential claims by one agent; returns each call's latency in nanoseconds. */
	private long[] claimRound(int count, long set, int depth) {
		List<String> agents = credentials(1);
		long[] latencies = new long[count];
		int agent = 0;
		for (int i = 0; i < count; i++) {
			long start = System.nanoTime();
			JsonNode job = poll(agents.get(agent), i % SLOTS, 0);
			latencies[i] = System.nanoTime() - start;
			if (job == null) {
				throw new IllegalStateException("queue ran dry");
			}
			if (i % SLOTS == SLOTS - 1) {
				agents.set(agent, credentials(1).get(0)); // a fresh host: all slots of this one are busy
			}
			if (i % 100 == 99) {
				topUp(set, depth); // between calls, not timed: the queue stays at its depth
			}
		}
		topUp(set, depth);
		return latencies;
	}

	/** The same claims without HTTP: what PostgreSQL and the queue code cost on their own. */
	private long[] directClaims(int count, long set, int depth) {
		JobQueue queue = server.getBean(JobQueue.class);
		long[] latencies = new long[count];
		Host host = null;
		for (int i = 0; i < count; i++) {
			if (i % SLOTS == 0) {
				host = hosts.find(hosts.register("bench", "bench-" + (++hostCounter), SLOTS, Map.of(), Map.of()).hostId()).orElseThrow();
			}
			long start = System.nanoTime();
			queue.claim(host, i % SLOTS).orElseThrow();
			latencies[i] = System.nanoTime() - start;
			if (i % 100 == 99) {
				topUp(set, depth);
			}
		}
		return latencies;
	}

	/** Claims {@code count} jobs with all agents at once; returns the wall time in nanoseconds. */
	private long claimConcurrently(List<String> agents, int count, long set, int depth) throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(agents.size());
		List<List<String>> hostsPerThread = new ArrayList<>();
		int perThread = count / agents.size();
		for (int t = 0; t < agents.size(); t++) {
			hostsPerThread.add(credentials((perThread + SLOTS - 1) / SLOTS));
		}
		long start = System.nanoTime();
		List<Future<?>> done = new ArrayList<>();
		for (int t = 0; t < agents.size(); t++) {
			List<String> own = hostsPerThread.get(t);
			done.add(threads.submit(() -> {
				for (int i = 0; i < perThread; i++) {
					if (poll(own.get(i / SLOTS), i % SLOTS, 0) == null) {
						throw new IllegalStateException("queue ran dry");
					}
				}
				return null;
			}));
		}
		for (Future<?> future : done) {
			future.get();
		}
		long elapsed = System.nanoTime() - start;
		threads.shutdown();
		topUp(set, depth);
		return elapsed;
	}

	/** Each agent polls (slot 0, no wait) and finishes {@code perAgent} jobs, all at once; returns jobs per second. */
	private double lifecycle(List<String> agents, int perAgent, long set, int depth) throws Exception {
		topUp(set, depth + agents.size() * perAgent); // the queue stays at least this deep throughout
		ExecutorService threads = Executors.newFixedThreadPool(agents.size());
		long start = System.nanoTime();
		List<Future<?>> done = new ArrayList<>();
		for (String agent : agents) {
			done.add(threads.submit(() -> {
				for (int i = 0; i < perAgent; i++) {
					JsonNode job = poll(agent, 0, 0);
					if (job == null) {
						throw new IllegalStateException("queue ran dry");
					}
					Answer finished = send(agent, "/api/agent/jobs/" + job.get("jobId").asLong() + "/finish?attempt="
							+ job.get("attempt").asInt(), "{\"result\":\"passed\"}");
					if (finished.status() >= 300) {
						throw new IllegalStateException("finish answered " + finished.status() + ": " + finished.body());
					}
				}
				return null;
			}));
		}
		for (Future<?> future : done) {
			future.get();
		}
		long elapsed = System.nanoTime() - start;
		threads.shutdown();
		return agents.size() * perAgent / (elapsed / 1e9);
	}

	/**
	 * 16 agents park on an otherwise idle queue holding {@code depth} jobs none of them can run; one matching job at a
	 * time is queued; latency = from before the queueing transaction until an agent's poll answer arrives.
	 */
	private long[] dispatchLatencies(int depth) throws Exception {
		db.sql("truncate log_chunk, artifact, job_attempt, job, run cascade").update();
		long turinSet = requirementSetOf("jobs: { turin: { requires: { cpu.generation: turin }, steps: [ \"true\" ] } }");
		topUp(turinSet, depth);
		List<String> parked = credentials(16);
		BlockingQueue<Long> received = new ArrayBlockingQueue<>(1000);
		AtomicBoolean running = new AtomicBoolean(true);
		ExecutorService threads = Executors.newFixedThreadPool(parked.size());
		for (String agent : parked) {
			threads.submit(() -> {
				while (running.get()) {
					JsonNode job = poll(agent, 0, 5);
					if (job != null) {
						received.add(System.nanoTime());
						send(agent, "/api/agent/jobs/" + job.get("jobId").asLong() + "/finish?attempt=1", "{\"result\":\"passed\"}");
					}
				}
				return null;
			});
		}
		Thread.sleep(500); // let every agent park
		var pipeline = PipelineParser.parse("jobs: { one: { steps: [ \"true\" ] } }");
		int samples = 60;
		long[] latencies = new long[samples];
		for (int i = 0; i < samples + 10; i++) {
			long start = System.nanoTime();
			runs.queue(new RunService.Origin("file:///bench", "main", "b".repeat(40), "api"), pipeline);
			Long at = received.poll(10, TimeUnit.SECONDS);
			if (at == null) {
				throw new IllegalStateException("a queued job was not dispatched within 10 s");
			}
			if (i >= 10) { // the first ones warm up
				latencies[i - 10] = at - start;
			}
			Thread.sleep(5 + (i % 4) * 5);
		}
		running.set(false);
		threads.shutdown();
		threads.awaitTermination(30, TimeUnit.SECONDS);
		return latencies;
	}

	private long requirementSetOf(String yaml) throws Exception {
		long runId = runs.queue(new RunService.Origin("file:///bench", "main", "a".repeat(40), "api"), PipelineParser.parse(yaml));
		return db.sql("select requires_id from job where run_id = ?").param(runId).query(Long.class).single();
	}

	/** Inserts queued jobs (10 per run) until {@code depth} jobs of the set are queued. */
	private void topUp(long set, int depth) {
		int queued = db.sql("select count(*) from job where state = 'queued' and requires_id = ?").param(set).query(Integer.class).single();
		int missing = depth - queued;
		if (missing <= 0) {
			return;
		}
		int runCount = (missing + 9) / 10;
		db.sql("""
				with new_runs as (
				  insert into run (repository, ref, commit_sha, trigger)
				  select 'file:///bench', 'main', md5(g::text) || '00000000', 'api' from generate_series(1, ?) g
				  returning id)
				insert into job (run_id, name, requires_id, spec)
				select r.id, 'job-' || k, ?, '{"steps":["true"],"env":{},"timeoutSeconds":60,"artifacts":[],"junit":[],"requires":""}'::jsonb
				from new_runs r, generate_series(1, 10) k""")
			.params(runCount, set)
			.update();
		db.sql("analyze job").update();
	}

	private List<String> credentials(int count) {
		List<String> credentials = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			credentials.add(hosts.register("bench", "bench-" + (++hostCounter), SLOTS, Map.of(), Map.of()).credential());
		}
		return credentials;
	}

	private JsonNode poll(String credential, int slot, int waitSeconds) {
		Answer answer = send(credential, "/api/agent/poll", "{\"slot\":" + slot + ",\"waitSeconds\":" + waitSeconds + "}");
		return answer.status() == 200 ? JSON.readTree(answer.body()) : null;
	}

	/**
	 * A plain blocking HttpURLConnection (keep-alive pooled by the JDK): the leanest client the JDK has, so the
	 * numbers are the server's, not the load generator's.
	 */
	private Answer send(String credential, String path, String body) {
		try {
			HttpURLConnection connection = (HttpURLConnection) URI.create(baseUrl + path).toURL().openConnection();
			connection.setRequestMethod("POST");
			connection.setDoOutput(true);
			connection.setReadTimeout(60_000);
			connection.setRequestProperty("Authorization", "Bearer " + credential);
			connection.setRequestProperty("Content-Type", "application/json");
			byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
			connection.setFixedLengthStreamingMode(bytes.length);
			try (OutputStream out = connection.getOutputStream()) {
				out.write(bytes);
			}
			int status = connection.getResponseCode();
			InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
			String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
			if (in != null) {
				in.close();
			}
			return new Answer(status, text);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private record Answer(int status, String body) {
	}

	private static double percentile(long[] sorted, int p) {
		int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
	}
}
