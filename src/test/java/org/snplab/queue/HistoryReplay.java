package org.snplab.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

import org.snplab.hosts.Host;
import org.snplab.hosts.HostRegistry;
import org.snplab.pipeline.JobSpec;
import org.snplab.pipeline.Pipeline;
import org.snplab.pipeline.Requirement;
import org.snplab.pipeline.Requirements;
import org.snplab.protocol.AgentProtocol;
import org.snplab.support.ServerIntegrationTest;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.snplab.support.Fixtures;

/**
 * Replays COCONUT-SVSM's real push and pull-request history ({@code fixtures/traces/svsm-history.csv})
 * through the real queue on a simulated clock: each push queues a run of one SNP job, a new push to a pull request
 * supersedes (cancels) that pull request's unfinished run as snplab does, and {@code hosts} SNP hosts of one slot
 * claim and finish jobs that take {@code jobSeconds} each. Nothing waits in real time: claims, cancels and finishes go
 * through {@link JobQueue} and PostgreSQL in the order the simulated events happen.
 */
final class HistoryReplay {

	static final Path TRACE = Fixtures.path("traces/svsm-history.csv");

	/** The lab's job for every push: COCONUT-SVSM's in-SVSM tests, on an SNP host. */
	private static final Pipeline PIPELINE = Pipelines.of(new JobSpec("test-in-svsm",
			new Requirements(List.of(new Requirement("sev_snp", Requirement.Op.EQ, List.of("true"))), List.of()),
			Duration.ofMinutes(60), 0, Map.of(), List.of("./scripts/test-in-svsm.sh"), List.of(), List.of()));

	/** One line of the trace. */
	record Push(String event, long time, String pullRequest, String sha) {

		boolean toPullRequest() {
			return "pr_push".equals(event) && !pullRequest.isEmpty();
		}
	}

	/** What happened to one run. */
	record Outcome(long runId, long arrived, long claimed, String result) {
	}

	/** The outcomes of all runs, in claim order, and how long the hosts were busy. */
	record Result(List<Outcome> outcomes, long busySeconds, long spanSeconds, int hosts) {

		long[] sortedWaits() {
			return outcomes.stream().filter(o -> o.claimed >= 0).mapToLong(o -> o.claimed - o.arrived).sorted().toArray();
		}

		long count(String result) {
			return outcomes.stream().filter(o -> result.equals(o.result)).count();
		}
	}

	private record Running(Host host, AgentProtocol.Job job, long started, long ends) {
	}

	private final JobQueue queue;

	private final RunService runs;

	private final HostRegistry hostRegistry;

	private final JdbcClient db;

	HistoryReplay(JobQueue queue, RunService runs, HostRegistry hostRegistry, JdbcClient db) {
		this.queue = queue;
		this.runs = runs;
		this.hostRegistry = hostRegistry;
		this.db = db;
	}

	static List<Push> read(Path csv) throws IOException {
		return Files.readAllLines(csv).stream()
			.skip(1)
			.map(line -> line.split(",", -1))
			.map(f -> new Push(f[0], Long.parseLong(f[1]), f[2], f[4]))
			.sorted((a, b) -> Long.compare(a.time, b.time))
			.toList();
	}

	Result replay(List<Push> pushes, int hostCount, long jobSeconds) {
		List<Host> idle = new ArrayList<>();
		for (int i = 0; i < hostCount; i++) {
			long id = hostRegistry.register(ServerIntegrationTest.REGISTRATION_TOKEN, "replay-" + System.nanoTime() + "-" + i,
					1, Map.of(), Map.of("sev_snp", "true")).hostId();
			idle.add(hostRegistry.find(id).orElseThrow());
		}
		PriorityQueue<Running> running = new PriorityQueue<>((a, b) -> Long.compare(a.ends, b.ends));
		Map<Long, Long> arrivedAt = new HashMap<>();
		Map<Long, Outcome> outcomes = new HashMap<>();
		List<Long> claimOrder = new ArrayList<>();
		Map<String, Long> latestRunOfPullRequest = new HashMap<>();
		long busy = 0;
		int next = 0;
		while (next < pushes.size() || !running.isEmpty()) {
			boolean arrivalFirst = next < pushes.size()
					&& (running.isEmpty() || pushes.get(next).time < running.peek().ends);
			long now;
			if (arrivalFirst) {
				Push push = pushes.get(next++);
				now = push.time;
				long runId = runs.queue(new RunService.Origin("https://github.com/coconut-svsm/svsm.git",
						push.toPullRequest() ? "pull/" + push.pullRequest + "/head" : "main", push.sha, "replay"),
						PIPELINE);
				arrivedAt.put(runId, now);
				if (push.toPullRequest()) {
					Long superseded = latestRunOfPullRequest.put(push.pullRequest, runId);
					if (superseded != null) {
						queue.cancelRun(superseded, "superseded by a newer push");
						busy += stopCanceled(running, superseded, now, idle);
					}
				}
			}
			else {
				Running done = running.poll();
				now = done.ends;
				queue.finish(done.job.jobId(), done.job.attempt(), done.host, JobResult.PASSED, "", 0);
				busy += jobSeconds;
				idle.add(done.host);
			}
			for (var hosts = idle.iterator(); hosts.hasNext();) {
				Host host = hosts.next();
				var claimed = queue.claim(host, 0);
				if (claimed.isPresent()) {
					hosts.remove();
					running.add(new Running(host, claimed.get(), now, now + jobSeconds));
					claimOrder.add(claimed.get().runId());
					outcomes.put(claimed.get().runId(), new Outcome(claimed.get().runId(), arrivedAt.get(claimed.get().runId()), now, null));
				}
			}
		}
		List<Outcome> result = new ArrayList<>();
		for (long runId : claimOrder) {
			result.add(new Outcome(runId, outcomes.get(runId).arrived, outcomes.get(runId).claimed, resultOf(runId)));
		}
		arrivedAt.keySet().stream().filter(runId -> !outcomes.containsKey(runId)).sorted()
			.forEach(runId -> result.add(new Outcome(runId, arrivedAt.get(runId), -1, resultOf(runId))));
		long span = pushes.get(pushes.size() - 1).time - pushes.get(0).time + jobSeconds;
		return new Result(result, busy, span, hostCount);
	}

	/**
	 * A running job whose run was canceled stops at once, as its agent would at its next heartbeat.
	 * @return how long it had run
	 */
	private long stopCanceled(PriorityQueue<Running> running, long runId, long now, List<Host> idle) {
		for (Running job : new ArrayList<>(running)) {
			if (job.job.runId() == runId && queue.heartbeat(job.job.jobId(), job.job.attempt(), job.host)) {
				queue.finish(job.job.jobId(), job.job.attempt(), job.host, JobResult.CANCELED, "canceled", null);
				running.remove(job);
				idle.add(job.host);
				return now - job.started;
			}
		}
		return 0;
	}

	private String resultOf(long runId) {
		return db.sql("select state from run where id = ?").param(runId).query(String.class).single();
	}

	static long percentile(long[] sorted, int p) {
		if (sorted.length == 0) {
			return 0;
		}
		return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1))];
	}
}
