package org.snplab.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.snplab.hosts.Host;
import org.snplab.hosts.HostRegistry;
import org.snplab.pipeline.JobSpec;
import org.snplab.protocol.AgentProtocol;
import org.snplab.scheduler.SchedulerProperties;
import org.snplab.support.ServerIntegrationTest;
import org.snplab.support.SettableClock;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Import;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.snplab.queue.Pipelines.guestJob;

/**
 * The scheduling pass on a real PostgreSQL with a clock the tests move: rows are set up, {@code pass.run()} is
 * called, and what was assigned where is read back. Nothing sleeps.
 */
@Import(SettableClock.Config.class)
class SchedulingPassIntegrationTests extends ServerIntegrationTest {

	private static final long GIB = 1024;

	@Autowired
	SchedulingPass pass;

	@Autowired
	SettableClock clock;

	@Autowired
	RunService runs;

	@Autowired
	JobQueue queue;

	@Autowired
	HostRegistry hosts;

	@Autowired
	ReadySlots readySlots;

	@Autowired
	SchedulerProperties properties;

	@Autowired
	TransactionTemplate transactions;

	@Autowired
	RequirementSets requirementSets;

	@Autowired
	FairShareUsage usage;

	@Autowired
	RunViews views;

	@Autowired
	ApplicationEventPublisher events;

	private final RunService.Origin api = new RunService.Origin("file:///svsm", "main", "a".repeat(40), "api");

	@Test
	void aHostIsFilledByItsMemoryNotItsSlotCount() {
		Host milan = pollingHost("milan-1", 4, 16 * GIB);
		runs.queue(api, Pipelines.of(guestJob("a", 0, 8 * GIB), guestJob("b", 0, 8 * GIB), guestJob("c", 0, 8 * GIB)));

		pass.run();

		assertThat(states()).containsEntry("a", "assigned").containsEntry("b", "assigned").containsEntry("c", "queued");
		AgentProtocol.Job a = queue.take(milan.id(), slotOf("a")).orElseThrow();
		queue.finish(a.jobId(), a.attempt(), milan, JobResult.PASSED, null, 0);
		pass.run();
		assertThat(states()).containsEntry("a", "passed").containsEntry("c", "assigned");
	}

	@Test
	void aWaitingJobSaysWhatItWaitsForInTheApi() {
		pollingHost("milan-1", 4, 16 * GIB);
		runs.queue(api, Pipelines.of(guestJob("a", 0, 8 * GIB), guestJob("b", 0, 8 * GIB), guestJob("c", 0, 8 * GIB),
				guestJob("huge", 0, 64 * GIB)));

		pass.run();

		assertThat(views.job(idOf("c")).waiting()).isEqualTo("waiting for 8 GiB on milan-1 (2 jobs running)");
		assertThat(views.job(idOf("huge")).waiting()).isEqualTo("no host has 64 GiB free; the largest has 16 GiB");
		assertThat(views.job(idOf("a")).waiting()).isNull();
	}

	@Test
	void theJobGoesToTheReadyHostGivenAJobLongestAgo() {
		Host recent = pollingHost("recent", 1, 64 * GIB);
		Host idle = pollingHost("idle", 1, 64 * GIB);
		db.sql("update host set last_assigned_at = now() - interval '1 minute' where id = ?").param(recent.id()).update();
		db.sql("update host set last_assigned_at = now() - interval '1 hour' where id = ?").param(idle.id()).update();
		runs.queue(api, Pipelines.of(guestJob("a", 0, 8 * GIB)));

		pass.run();

		assertThat(hostOf("a")).isEqualTo("idle");
	}

	@Test
	void aHostWhoseAgentIsNotPollingGetsNothing() {
		pollingHost("polling", 1, 64 * GIB);
		Host silent = host("silent", 1, 64 * GIB);
		runs.queue(api, Pipelines.of(guestJob("a", 0, 8 * GIB), guestJob("b", 0, 8 * GIB)));

		pass.run();

		assertThat(hostOf("a")).isEqualTo("polling");
		assertThat(states()).containsEntry("b", "queued");
		readySlots.ready(silent, 0, Duration.ofSeconds(30));
		pass.run();
		assertThat(hostOf("b")).isEqualTo("silent");
	}

	@Test
	void anAssignmentNobodyTakesGoesBackToTheQueue() {
		Host gone = pollingHost("gone", 1, 64 * GIB);
		runs.queue(api, Pipelines.of(guestJob("a", 0, 8 * GIB)));
		pass.run();
		assertThat(states()).containsEntry("a", "assigned");
		// The agent went away without the poll being answered (its server instance died): the slot stays ready
		// until the poll's deadline, the assignment until the timeout.
		clock.advance(properties.assignmentTimeout().plusSeconds(1));
		readySlots.answered(gone.id(), 0);

		pass.run();

		assertThat(states()).containsEntry("a", "queued");
		assertThat(db.sql("select host_id from job where name = 'a'").query(Long.class).optional()).isEmpty();
	}

	@Test
	void aProtectedPushGoesBeforeAnApiRunOfHigherPriority() {
		runs.queue(api, Pipelines.of(guestJob("api-high", 100, 8 * GIB)));
		runs.queue(new RunService.Origin("file:///svsm", "main", "b".repeat(40), "push", "protected-push", null, true),
				Pipelines.of(guestJob("main-push", 0, 8 * GIB)));
		pollingHost("only", 1, 64 * GIB);

		pass.run();

		assertThat(states()).containsEntry("main-push", "assigned").containsEntry("api-high", "queued");
	}

	@Test
	void anUntrustedPullRequestCantJumpTheQueueWithItsPriority() {
		runs.queue(pullRequest("mallory", false), Pipelines.of(guestJob("fork", 1000, 8 * GIB)));
		runs.queue(pullRequest("alice", true), Pipelines.of(guestJob("trusted", 10, 8 * GIB)));
		pollingHost("only", 1, 64 * GIB);

		pass.run();

		assertThat(states()).containsEntry("trusted", "assigned").containsEntry("fork", "queued");
		assertThat(db.sql("select priority from job where name = 'fork'").query(Integer.class).single()).isZero();
	}

	@Test
	void theRepositoryThatUsedTheLabMoreWaitsUntilItsUseDecays() {
		Host host = pollingHost("only", 1, 64 * GIB);
		RunService.Origin busy = new RunService.Origin("file:///busy", "main", "c".repeat(40), "api");
		runs.queue(busy, Pipelines.of(guestJob("hour-long", 0, 64 * GIB)));
		pass.run();
		AgentProtocol.Job hourLong = queue.take(host.id(), 0).orElseThrow();
		clock.advance(Duration.ofHours(1));
		queue.finish(hourLong.jobId(), hourLong.attempt(), host, JobResult.PASSED, null, 0);
		runs.queue(busy, Pipelines.of(guestJob("busy-again", 0, 8 * GIB)));
		runs.queue(new RunService.Origin("file:///quiet", "main", "d".repeat(40), "api"),
				Pipelines.of(guestJob("quiet", 0, 8 * GIB)));
		readyAgain();

		pass.run();
		assertThat(states()).containsEntry("quiet", "assigned").containsEntry("busy-again", "queued");

		double used = usage.of(List.of("file:///busy"), List.of()).weightedUseOf("file:///busy");
		clock.advance(properties.fairShare().halfLife());
		double halved = usage.of(List.of("file:///busy"), List.of()).weightedUseOf("file:///busy");
		assertThat(used).isCloseTo(3600, org.assertj.core.data.Offset.offset(60.0));
		assertThat(halved).isCloseTo(used / 2, org.assertj.core.data.Offset.offset(1.0));
	}

	/**
	 * Two server instances' passes, started together again and again on one host with room for one 8 GiB job but
	 * three ready slots: only the advisory lock keeps the second pass from filling the other slots too.
	 */
	@Test
	void twoServerInstancesRunningThePassAtOnceNeverPlaceTwice() throws Exception {
		Host host = pollingHost("contended", 3, 8 * GIB);
		List<JobSpec> jobs = new ArrayList<>();
		for (int i = 0; i < 25; i++) {
			jobs.add(guestJob("job-" + i, 0, 8 * GIB));
		}
		runs.queue(api, Pipelines.of(jobs.toArray(JobSpec[]::new)));
		SchedulingPass otherInstance = new SchedulingPass(db, transactions, hosts, requirementSets, usage, properties, clock, events);
		ExecutorService instances = Executors.newFixedThreadPool(2);
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		List<Integer> heldAtOnce = new ArrayList<>();

		for (int round = 0; round < 20; round++) {
			CyclicBarrier together = new CyclicBarrier(2);
			List<Future<?>> both = new ArrayList<>();
			for (SchedulingPass instance : List.of(pass, otherInstance)) {
				both.add(instances.submit(() -> {
					try {
						together.await(10, TimeUnit.SECONDS);
						instance.run();
					}
					catch (Throwable failure) {
						failures.add(failure);
					}
				}));
			}
			for (Future<?> done : both) {
				done.get(30, TimeUnit.SECONDS);
			}
			heldAtOnce.add(db.sql("select count(*) from job where host_id = ? and state in ('assigned', 'running')")
				.param(host.id())
				.query(Integer.class)
				.single());
			// The agent runs what it was given, and its slot asks for work again.
			for (int slot = 0; slot < 3; slot++) {
				queue.take(host.id(), slot).ifPresent(job -> queue.finish(job.jobId(), job.attempt(), host,
						JobResult.PASSED, null, 0));
			}
			readyAgain();
		}
		instances.shutdown();

		assertThat(failures).isEmpty();
		assertThat(heldAtOnce).containsOnly(1);
		assertThat(db.sql("select count(*) from job where state = 'finished'").query(Integer.class).single())
			.isGreaterThanOrEqualTo(20);
	}

	private RunService.Origin pullRequest(String author, boolean trusted) {
		return new RunService.Origin("file:///svsm", "refs/pull/7/head", author.substring(0, 1).repeat(40), "pull_request",
				"pull-request", author, trusted);
	}

	/** A registered host whose agent declared this much memory, not yet polling. */
	private Host host(String name, int slots, long memoryMb) {
		long id = hosts.register(REGISTRATION_TOKEN, name, slots, Map.of(),
				Map.of("capacity.memory.mb", Long.toString(memoryMb))).hostId();
		return hosts.find(id).orElseThrow();
	}

	/** A host whose every slot has a parked poll. */
	private Host pollingHost(String name, int slots, long memoryMb) {
		Host host = host(name, slots, memoryMb);
		for (int slot = 0; slot < slots; slot++) {
			readySlots.ready(host, slot, Duration.ofMinutes(10));
		}
		return host;
	}

	/** Every slot of every host has a parked poll again (after the clock moved past the earlier polls' deadline). */
	private void readyAgain() {
		for (Host host : hosts.findAll()) {
			for (int slot = 0; slot < host.slots(); slot++) {
				readySlots.ready(host, slot, Duration.ofMinutes(10));
			}
		}
	}

	private Map<String, String> states() {
		Map<String, String> states = new java.util.TreeMap<>();
		db.sql("select name, case when state = 'finished' then result else state end from job")
			.query((rs, i) -> states.put(rs.getString(1), rs.getString(2)))
			.list();
		return states;
	}

	private String hostOf(String job) {
		return db.sql("select h.name from job j join host h on h.id = j.host_id where j.name = ?")
			.param(job)
			.query(String.class)
			.single();
	}

	private long idOf(String job) {
		return db.sql("select id from job where name = ?").param(job).query(Long.class).single();
	}

	private int slotOf(String job) {
		return db.sql("select slot from job where name = ?").param(job).query(Integer.class).single();
	}
}
