package org.snplab.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.snplab.hosts.Host;
import org.snplab.hosts.HostRegistry;
import org.snplab.pipeline.JobSpec;
import org.snplab.pipeline.Requirement.Op;
import org.snplab.protocol.AgentProtocol;
import org.snplab.support.ServerIntegrationTest;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.snplab.queue.Pipelines.anyHostJob;
import static org.snplab.queue.Pipelines.fact;
import static org.snplab.queue.Pipelines.job;
import static org.snplab.queue.Pipelines.requires;

class JobQueueIntegrationTests extends ServerIntegrationTest {

	@Autowired
	RunService runs;

	@Autowired
	JobQueue queue;

	@Autowired
	HostRegistry hosts;

	@Autowired
	RunViews views;

	private final RunService.Origin origin = new RunService.Origin("file:///repo", "main", "a".repeat(40), "api");

	@Test
	void claimHonoursFactsLabelsAndVersionComparisons() {
		Host milan = host("milan-1", Map.of("cpu.generation", "milan", "sev_snp", "true", "qemu.version", "8.2.0"), Map.of());
		Host genoa = host("genoa-1", Map.of("cpu.generation", "genoa", "sev_snp", "true", "qemu.version", "11.0.2"),
				Map.of("coconut", ""));
		runs.queue(origin, Pipelines.of(
				job("needs-new-qemu", 0, requires(List.of("coconut"), fact("cpu.generation", Op.ONE_OF, "genoa", "turin"),
						fact("qemu.version", Op.GE, "11.0"))),
				job("any-snp", 0, requires(List.of(), fact("sev_snp", Op.EQ, "true"))),
				job("turin-only", 0, requires(List.of(), fact("cpu.generation", Op.EQ, "turin")))));

		assertThat(claimName(milan)).contains("any-snp");
		assertThat(claimName(milan)).isEmpty();
		assertThat(claimName(genoa)).contains("needs-new-qemu");
		assertThat(claimName(genoa)).isEmpty();
		long turinJob = db.sql("select id from job where name = 'turin-only'").query(Long.class).single();
		assertThat(views.job(turinJob).waiting()).startsWith("no matching host").contains("turin");
	}

	@Test
	void claimOrdersByPriorityThenAge() {
		Host host = host("any-1", Map.of(), Map.of());
		runs.queue(origin, Pipelines.of(job("old-low", 0, requires(List.of())), job("old-high", 10, requires(List.of())),
				job("new-high", 10, requires(List.of()))));

		List<String> order = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			AgentProtocol.Job claimed = queue.claim(host, 0).orElseThrow();
			order.add(claimed.name());
			queue.finish(claimed.jobId(), claimed.attempt(), host, JobResult.PASSED, null, 0);
		}

		assertThat(order).containsExactly("old-high", "new-high", "old-low");
	}

	@Test
	void aBusySlotGetsNoSecondJobUntilItFinishes() {
		Host host = host("one-slot", Map.of(), Map.of());
		runs.queue(origin, Pipelines.of(anyHostJob("a"), anyHostJob("b")));

		AgentProtocol.Job first = queue.claim(host, 0).orElseThrow();
		// The agent polls slot 0 again while it runs a job there: it must have lost that job (restart).
		AgentProtocol.Job second = queue.claim(host, 0).orElseThrow();

		assertThat(second.jobId()).isNotEqualTo(first.jobId());
		assertThat(views.job(first.jobId()).state()).isEqualTo("queued");
		assertThat(views.job(first.jobId()).attempt()).isEqualTo(2);
		assertThat(views.job(first.jobId()).attempts()).singleElement()
			.satisfies(a -> assertThat(a.result()).isEqualTo(JobResult.INFRA_ERROR));
	}

	@Test
	void concurrentClaimsFromManyThreadsNeverShareAJob() throws Exception {
		int jobCount = 300;
		JobSpec[] jobs = IntStream.range(0, jobCount).mapToObj(i -> anyHostJob("job-" + i)).toArray(JobSpec[]::new);
		runs.queue(origin, Pipelines.of(jobs));
		List<Host> claimers = IntStream.range(0, 8).mapToObj(i -> host("host-" + i, Map.of(), Map.of())).toList();
		Set<Long> claimed = ConcurrentHashMap.newKeySet();
		List<Long> duplicates = new java.util.concurrent.CopyOnWriteArrayList<>();

		ExecutorService threads = Executors.newFixedThreadPool(claimers.size());
		List<Future<?>> done = new ArrayList<>();
		for (Host host : claimers) {
			done.add(threads.submit(() -> {
				Optional<AgentProtocol.Job> job;
				while ((job = queue.claim(host, 0)).isPresent()) {
					if (!claimed.add(job.get().jobId())) {
						duplicates.add(job.get().jobId());
					}
					queue.finish(job.get().jobId(), job.get().attempt(), host, JobResult.PASSED, null, 0);
				}
			}));
		}
		for (Future<?> future : done) {
			future.get(60, TimeUnit.SECONDS);
		}
		threads.shutdown();

		assertThat(duplicates).isEmpty();
		assertThat(claimed).hasSize(jobCount);
		assertThat(db.sql("select count(*) from job_attempt").query(Integer.class).single()).isEqualTo(jobCount);
		assertThat(db.sql("select state from run").query(String.class).single()).isEqualTo("passed");
	}

	@Test
	void runStateFollowsItsJobs() {
		Host host = host("runner", Map.of(), Map.of());
		long runId = runs.queue(origin, Pipelines.of(anyHostJob("a"), anyHostJob("b")));
		assertThat(views.run(runId).state()).isEqualTo(RunState.QUEUED);

		AgentProtocol.Job a = queue.claim(host, 0).orElseThrow();
		assertThat(views.run(runId).state()).isEqualTo(RunState.RUNNING);
		queue.finish(a.jobId(), a.attempt(), host, JobResult.FAILED, "step 1 exited 2", 2);
		assertThat(views.run(runId).state()).isEqualTo(RunState.RUNNING);

		AgentProtocol.Job b = queue.claim(host, 0).orElseThrow();
		queue.finish(b.jobId(), b.attempt(), host, JobResult.PASSED, null, 0);
		assertThat(views.run(runId).state()).isEqualTo(RunState.FAILED);
		assertThat(views.job(a.jobId()).reason()).isEqualTo("step 1 exited 2");
	}

	@Test
	void canceledRunCancelsQueuedJobsAtOnceAndFlagsRunningOnes() {
		Host host = host("runner", Map.of(), Map.of());
		long runId = runs.queue(origin, Pipelines.of(anyHostJob("a"), anyHostJob("b")));
		AgentProtocol.Job running = queue.claim(host, 0).orElseThrow();

		queue.cancelRun(runId, "canceled by a user");

		assertThat(queue.heartbeat(running.jobId(), running.attempt(), host)).isTrue();
		assertThat(views.run(runId).state()).isEqualTo(RunState.RUNNING);
		queue.finish(running.jobId(), running.attempt(), host, JobResult.CANCELED, "canceled", null);
		assertThat(views.run(runId).state()).isEqualTo(RunState.CANCELED);
	}

	@Test
	void testFailureIsNeverRetriedButAFinishReportRepeatIsHarmless() {
		Host host = host("runner", Map.of(), Map.of());
		runs.queue(origin, Pipelines.of(anyHostJob("a")));
		AgentProtocol.Job job = queue.claim(host, 0).orElseThrow();

		queue.finish(job.jobId(), job.attempt(), host, JobResult.FAILED, "step 1 exited 1", 1);
		queue.finish(job.jobId(), job.attempt(), host, JobResult.FAILED, "step 1 exited 1", 1);

		assertThat(queue.claim(host, 0)).isEmpty();
		assertThat(views.job(job.jobId()).state()).isEqualTo("failed");
		assertThat(views.job(job.jobId()).attempt()).isEqualTo(1);
	}

	private Optional<String> claimName(Host host) {
		Optional<AgentProtocol.Job> job = queue.claim(host, 0);
		job.ifPresent(j -> queue.finish(j.jobId(), j.attempt(), host, JobResult.PASSED, null, 0));
		return job.map(AgentProtocol.Job::name);
	}

	private Host host(String name, Map<String, String> facts, Map<String, String> labels) {
		long id = hosts.register(REGISTRATION_TOKEN, name, 1, labels, facts).hostId();
		return hosts.find(id).orElseThrow();
	}
}
