package org.snplab.queue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.snplab.hosts.Host;
import org.snplab.hosts.HostRegistry;
import org.snplab.pipeline.Requirement;
import org.snplab.pipeline.Requirements;
import org.snplab.support.ServerIntegrationTest;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * The scheduling pass under load, in-process on a real PostgreSQL, with 100,000 queued jobs no host can run: the
 * pass's cost per placement with 10, 100 and 1,000 polling hosts, and dispatch latency (job committed → the parked
 * poll of the chosen host has it) with 1,000 parked polls, and the heap they take. Not part of the suite:
 * {@code mvn -B -Pbenchmark test -Dtest=SchedulingPassBenchmark}; results go to stdout and
 * {@code target/benchmarks/scheduling-pass.md}.
 */
@EnabledIfSystemProperty(named = "snplab.benchmark", matches = "true")
class SchedulingPassBenchmark extends ServerIntegrationTest {

	private static final String SPEC = "{\"steps\":[\"true\"],\"env\":{},\"timeoutSeconds\":60,\"artifacts\":[],\"junit\":[],\"requires\":\"\"}";

	/** The pass runs on the calling thread here: its CPU time is the JVM's share, apart from waiting for PostgreSQL. */
	private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

	@Autowired
	SchedulingPass pass;

	@Autowired
	RequirementSets requirementSets;

	@Autowired
	HostRegistry hosts;

	@Autowired
	ReadySlots readySlots;

	@Autowired
	Dispatcher dispatcher;

	@Autowired
	RunService runs;

	@Test
	void passCostAndDispatchLatency() throws Exception {
		long nobody = requirementSets.idFor(new Requirements(
				List.of(new Requirement("cpu.generation", Requirement.Op.EQ, List.of("turin"))), List.of()));
		long anyHost = requirementSets.idFor(Requirements.none());
		long runId = db.sql("insert into run (repository, ref, commit_sha) values ('bench', 'main', 'x') returning id")
			.query(Long.class)
			.single();
		queueJobs(runId, nobody, 100_000, "deep");
		StringBuilder report = new StringBuilder("""
				| polling hosts | pass placing 1 job | its JVM CPU | pass placing one job per host | per placement |
				|---:|---:|---:|---:|---:|
				""");
		List<Host> fleet = new ArrayList<>();
		int batch = 0;
		for (int hostCount : new int[] { 10, 100, 1000 }) {
			while (fleet.size() < hostCount) {
				long id = hosts.register(REGISTRATION_TOKEN, "host-" + fleet.size(), 1, Map.of(), Map.of()).hostId();
				fleet.add(hosts.find(id).orElseThrow());
			}
			vacuum();
			long[] single = new long[7];
			long[] singleCpu = new long[7];
			long[] full = new long[7];
			for (int round = 0; round < single.length; round++) {
				readyAll();
				queueJobs(runId, anyHost, 1, "one-" + batch++);
				long started = System.nanoTime();
				long cpu = CPU.getCurrentThreadCpuTime();
				pass.run();
				single[round] = System.nanoTime() - started;
				singleCpu[round] = CPU.getCurrentThreadCpuTime() - cpu;
				finishAssigned();
				queueJobs(runId, anyHost, hostCount, "full-" + batch++);
				started = System.nanoTime();
				int placed = pass.run().size();
				full[round] = System.nanoTime() - started;
				if (placed != hostCount) {
					System.out.println("placed " + placed + " of " + hostCount);
				}
				finishAssigned();
			}
			long fullMedian = median(full);
			report.append(String.format("| %,d | %s | %s | %s | %s |%n", hostCount, ms(median(single)), ms(median(singleCpu)),
					ms(fullMedian),
					ms(fullMedian / hostCount)));
		}

		db.sql("delete from slot_poll").update();
		vacuum();
		BlockingQueue<Long> delivered = new LinkedBlockingQueue<>();
		long heapBefore = usedHeapAfterGc();
		for (Host host : fleet) {
			park(host, delivered);
		}
		long heapParked = usedHeapAfterGc();
		long[] latencies = new long[300];
		RunService.Origin origin = new RunService.Origin("bench", "main", "y".repeat(40), "api");
		for (int i = 0; i < latencies.length + 50; i++) {
			long started = System.nanoTime();
			runs.queue(origin, Pipelines.of(Pipelines.anyHostJob("dispatch-" + i)));
			Long hostId = delivered.poll(10, TimeUnit.SECONDS);
			long elapsed = System.nanoTime() - started;
			if (hostId == null) {
				throw new AssertionError("no parked poll got dispatch-" + i);
			}
			if (i >= 50) { // the first ones warm the JIT up
				latencies[i - 50] = elapsed;
			}
			db.sql("update job set state = 'finished', result = 'passed', finished_at = now() where state = 'running'")
				.update();
			park(fleet.stream().filter(h -> h.id() == hostId).findFirst().orElseThrow(), delivered);
		}
		Arrays.sort(latencies);
		report.append(String.format("%nDispatch to a parked poll, %,d parked, 100,000 queued: p50 %s, p99 %s, max %s%n",
				fleet.size(), ms(latencies[latencies.length / 2]), ms(latencies[latencies.length * 99 / 100]),
				ms(latencies[latencies.length - 1])));
		report.append(String.format("%nHeap in use after a full GC: %.1f MiB with %,d polls parked, %.1f MiB before they parked "
				+ "(%.1f KiB per parked poll, in-process: no servlet request)%n", heapParked / 1048576.0, fleet.size(),
				heapBefore / 1048576.0, (heapParked - heapBefore) / 1024.0 / fleet.size()));
		System.out.println("\n" + report);
		Path out = Path.of("target", "benchmarks", "scheduling-pass.md");
		Files.createDirectories(out.getParent());
		Files.writeString(out, report.toString());
	}

	@SuppressWarnings("unchecked")
	private void park(Host host, BlockingQueue<Long> delivered) {
		Object answer = dispatcher.poll(host, 0, Duration.ofMinutes(30));
		if (answer instanceof DeferredResult<?> parked) {
			parked.setResultHandler(result -> delivered.add(host.id()));
		}
		else if (answer instanceof ResponseEntity<?> now && now.getStatusCode().value() == 200) {
			delivered.add(host.id());
		}
	}

	private void queueJobs(long runId, long set, int count, String prefix) {
		db.sql("""
				insert into job (run_id, name, state, requires_id, spec, priority, max_attempts, repository)
				select ?, ? || '-' || g, 'queued', ?, ?::jsonb, 0, 3, 'bench' from generate_series(1, ?) g""")
			.params(runId, prefix, set, SPEC, count)
			.update();
	}

	/**
	 * What autovacuum does on a lab's server: the test PostgreSQL runs with it off, and the churn above (finished
	 * jobs, host rows stamped by each pass) would otherwise leave every index scan walking dead entries.
	 */
	private void vacuum() {
		db.sql("vacuum analyze job, host, slot_poll").update();
	}

	private void readyAll() {
		db.sql("""
				insert into slot_poll (host_id, slot, ready_until) select id, 0, now() + interval '1 hour' from host
				on conflict (host_id, slot) do update set ready_until = excluded.ready_until""").update();
	}

	private void finishAssigned() {
		db.sql("update job set state = 'finished', result = 'passed', finished_at = now() where state = 'assigned'")
			.update();
	}

	private static long usedHeapAfterGc() throws InterruptedException {
		for (int i = 0; i < 3; i++) {
			System.gc();
			Thread.sleep(200);
		}
		Runtime runtime = Runtime.getRuntime();
		return runtime.totalMemory() - runtime.freeMemory();
	}

	private static long median(long[] nanos) {
		long[] sorted = nanos.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

	private static String ms(long nanos) {
		return String.format("%.2f ms", nanos / 1e6);
	}
}
