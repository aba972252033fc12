package org.snplab.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.snplab.hosts.Host;
import org.snplab.hosts.HostRegistry;
import org.snplab.protocol.AgentProtocol;
import org.snplab.support.Eventually;
import org.snplab.support.ServerIntegrationTest;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Polls don't each run a pass: those arriving while a pass runs are all served by the one pass after it. The test
 * holds the pass's advisory lock (as another server instance's pass would) while eight agents poll, then lets go.
 */
class PassTriggerIntegrationTests extends ServerIntegrationTest {

	private static final long PASS_LOCK = 0x736e706c6162L;

	@Autowired
	RunService runs;

	@Autowired
	JobQueue queue;

	@Autowired
	HostRegistry hosts;

	@Autowired
	QueueMetrics metrics;

	@Autowired
	TransactionTemplate transactions;

	@Test
	void pollsArrivingDuringAPassShareTheNextPass() throws Exception {
		List<Host> agents = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			long id = hosts.register(REGISTRATION_TOKEN, "agent-" + i, 1, Map.of(), Map.of()).hostId();
			agents.add(hosts.find(id).orElseThrow());
		}
		List<org.snplab.pipeline.JobSpec> jobs = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			jobs.add(Pipelines.anyHostJob("job-" + i));
		}
		ExecutorService threads = Executors.newFixedThreadPool(9);
		try {
			CountDownLatch release = new CountDownLatch(1);
			CountDownLatch locked = new CountDownLatch(1);
			Future<?> otherPass = threads.submit(() -> transactions.executeWithoutResult(tx -> {
				db.sql("select pg_advisory_xact_lock(?)").param(PASS_LOCK).query((rs, i) -> 1).list();
				locked.countDown();
				await(release);
			}));
			assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
			runs.queue(new RunService.Origin("file:///repo", "main", "a".repeat(40), "api"),
					Pipelines.of(jobs.toArray(org.snplab.pipeline.JobSpec[]::new)));
			List<Future<Optional<AgentProtocol.Job>>> claims = new ArrayList<>();
			for (Host agent : agents) {
				claims.add(threads.submit(() -> queue.claim(agent, 0)));
			}
			Eventually.await(Duration.ofSeconds(10), "all eight polls ready",
					() -> db.sql("select count(*) from slot_poll where ready_until > '-infinity'").query(Integer.class).single(), n -> n == 8);
			long passesBefore = metrics.passesRun();

			release.countDown();
			otherPass.get(10, TimeUnit.SECONDS);
			List<Long> claimed = new ArrayList<>();
			for (Future<Optional<AgentProtocol.Job>> claim : claims) {
				claimed.add(claim.get(15, TimeUnit.SECONDS).orElseThrow().jobId());
			}

			assertThat(claimed).doesNotHaveDuplicates().hasSize(8);
			// The pass waiting for the lock serves all eight; at most one more was asked for while it ran (and the
			// interval's). A pass per poll would be eight.
			assertThat(metrics.passesRun() - passesBefore).isBetween(1L, 3L);
		}
		finally {
			threads.shutdownNow();
		}
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}
}
