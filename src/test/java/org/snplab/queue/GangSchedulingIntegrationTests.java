package org.snplab.queue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.snplab.ConflictException;
import org.snplab.hosts.Host;
import org.snplab.hosts.HostRegistry;
import org.snplab.pipeline.PipelineException;
import org.snplab.pipeline.PipelineParser;
import org.snplab.protocol.AgentProtocol;
import org.snplab.scheduler.SchedulerProperties;
import org.snplab.support.HttpAgent;
import org.snplab.support.ServerIntegrationTest;
import org.snplab.support.SettableClock;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Multi-host jobs (gangs) through the scheduling pass and the queue on a real PostgreSQL, with a clock the tests
 * move: placed whole on distinct hosts or not at all, the bounded hold, failing and losing one role.
 */
@Import(SettableClock.Config.class)
class GangSchedulingIntegrationTests extends ServerIntegrationTest {

	private static final String PAIR = """
			jobs:
			  pair:
			    roles:
			      source:      { steps: [ "./migrate.sh --source" ] }
			      destination: { steps: [ "./migrate.sh --destination" ] }
			""";

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
	RunViews views;

	@Autowired
	LostAttempts lostAttempts;

	private final RunService.Origin api = new RunService.Origin("file:///svsm", "main", "a".repeat(40), "api");

	@BeforeEach
	void realTime() {
		clock.reset();
	}

	@Test
	void aGangIsPlacedOnlyOnceEveryRoleHasAHost() throws PipelineException {
		Host milan1 = pollingHost("milan-1", 1, "milan");
		runs.queue(api, PipelineParser.parse(PAIR));

		pass.run();

		assertThat(states()).containsEntry("pair/source", "queued").containsEntry("pair/destination", "queued");
		Host milan2 = pollingHost("milan-2", 1, "milan");
		pass.run();
		assertThat(states()).containsEntry("pair/source", "assigned").containsEntry("pair/destination", "assigned");
		assertThat(List.of(hostOf("pair/source"), hostOf("pair/destination")))
			.containsExactlyInAnyOrder(milan1.name(), milan2.name());
	}

	@Test
	void aGangIsNeverPlacedTwiceOnOneHostNorOnHostsOfDifferentGenerations() throws PipelineException {
		pollingHost("big", 4, "milan");
		pollingHost("genoa-1", 1, "genoa");
		runs.queue(api, PipelineParser.parse(PAIR));

		pass.run();

		assertThat(states()).containsEntry("pair/source", "queued").containsEntry("pair/destination", "queued");
		assertThat(views.job(idOf("pair/source")).waiting())
			.isEqualTo("no 2 hosts sharing cpu.generation can run it together (hosts each role matches, in order: 2, 2)");
		assertThat(db.sql("select cardinality(hosts) from gang_hold").query(Integer.class).single())
			.as("a gang nothing could run holds nothing").isZero();
	}

	@Test
	void aGangHoldsItsHostsForAtMostTheGangWaitThenReleasesThem() throws PipelineException {
		Host busy = pollingHost("milan-1", 1, "milan");
		Host idle = host("milan-2", 1, "milan");
		runs.queue(api, PipelineParser.parse("""
				jobs:
				  long-test: { steps: [ "sleep 3600" ] }
				"""));
		pass.run();
		AgentProtocol.Job longTest = queue.take(busy.id(), 0).orElseThrow();
		// It runs all through the test: its lease is renewed beyond the clock's moves.
		db.sql("update job set lease_until = now() + interval '1 hour' where id = ?").param(longTest.jobId()).update();
		runs.queue(api, PipelineParser.parse(PAIR));
		runs.queue(api, PipelineParser.parse("""
				jobs:
				  quick: { steps: [ "true" ] }
				"""));
		readySlots.ready(idle, 0, Duration.ofHours(1));

		pass.run();

		assertThat(states()).as("the gang goes first and holds both hosts; the idle one takes nothing else")
			.containsEntry("pair/source", "queued").containsEntry("quick", "queued");
		assertThat(views.job(idOf("pair/destination")).waiting())
			.isEqualTo("holding milan-1, milan-2 while their running jobs end (at most 15m)");
		clock.advance(properties.gangWait().minusSeconds(1));
		readyAgain(idle);
		pass.run();
		assertThat(states()).containsEntry("quick", "queued");

		clock.advance(Duration.ofSeconds(2));
		readyAgain(idle);
		pass.run();

		assertThat(states()).containsEntry("quick", "assigned").containsEntry("pair/source", "queued");
		assertThat(hostOf("quick")).isEqualTo("milan-2");
		assertThat(views.job(idOf("pair/source")).waiting())
			.isEqualTo("waited 15m for 2 hosts sharing cpu.generation; released them to other work");
		assertThat(anonymousJob(idOf("pair/source")).get("waiting").asString())
			.isEqualTo("waited 15m for 2 hosts sharing cpu.generation; released them to other work");
		assertThat(org.snplab.support.HttpApi.anonymous(baseUrl()).get("/jobs/" + idOf("pair/source")).body())
			.as("the job's page").contains("waited 15m for 2 hosts sharing cpu.generation; released them to other work");
	}

	@Test
	void whenOneRoleFailsTheOthersAreCanceled() throws PipelineException {
		Host a = pollingHost("milan-1", 1, "milan");
		Host b = pollingHost("milan-2", 1, "milan");
		long runId = runs.queue(api, PipelineParser.parse(PAIR));
		pass.run();
		AgentProtocol.Job onA = queue.take(a.id(), 0).orElseThrow();
		AgentProtocol.Job onB = queue.take(b.id(), 0).orElseThrow();
		AgentProtocol.Job source = onA.name().equals("pair/source") ? onA : onB;
		AgentProtocol.Job destination = source == onA ? onB : onA;
		Host sourceHost = source == onA ? a : b;
		Host destinationHost = source == onA ? b : a;

		queue.finish(source.jobId(), source.attempt(), sourceHost, JobResult.FAILED, "exit 1", 1);

		assertThat(queue.heartbeat(destination.jobId(), destination.attempt(), destinationHost))
			.as("the running peer is told to stop").isTrue();
		assertThat(views.job(destination.jobId()).reason()).isEqualTo("canceled: pair/source failed");
		queue.finish(destination.jobId(), destination.attempt(), destinationHost, JobResult.CANCELED, "canceled", null);
		assertThat(states()).containsEntry("pair/source", "failed").containsEntry("pair/destination", "canceled");
		assertThat(views.run(runId).state()).isEqualTo(RunState.FAILED);
	}

	@Test
	void cancelingAQueuedRoleCancelsItsPeers() throws PipelineException {
		runs.queue(api, PipelineParser.parse(PAIR));

		queue.cancelJob(idOf("pair/destination"), "canceled by admin");

		assertThat(states()).containsEntry("pair/source", "canceled").containsEntry("pair/destination", "canceled");
		assertThat(views.job(idOf("pair/source")).reason()).isEqualTo("canceled: pair/destination was canceled");
	}

	@Test
	void losingOneRoleRetriesEveryRoleWithTheNextAttempt() throws PipelineException {
		Host a = pollingHost("milan-1", 1, "milan");
		Host b = pollingHost("milan-2", 1, "milan");
		runs.queue(api, PipelineParser.parse(PAIR));
		pass.run();
		AgentProtocol.Job onA = queue.take(a.id(), 0).orElseThrow();
		AgentProtocol.Job onB = queue.take(b.id(), 0).orElseThrow();

		queue.finish(onA.jobId(), onA.attempt(), a, JobResult.INFRA_ERROR, "checkout failed", null);

		assertThat(states()).containsEntry("pair/source", "queued").containsEntry("pair/destination", "queued");
		assertThat(db.sql("select distinct attempt from job").query(Integer.class).list()).containsExactly(2);
		assertThat(db.sql("select result from job_attempt where job_id = ? and attempt = 1").param(onB.jobId())
			.query(String.class).single()).as("the peer's attempt is recorded").isEqualTo("canceled");
		assertThatThrownBy(() -> queue.heartbeat(onB.jobId(), onB.attempt(), b))
			.as("the peer's agent hears its attempt is over and stops it").isInstanceOf(ConflictException.class);
		readyAgain(a);
		readyAgain(b);
		pass.run();
		assertThat(states()).containsEntry("pair/source", "assigned").containsEntry("pair/destination", "assigned");
		assertThat(hostOfId(onA.jobId())).as("the lost role is kept from the host that lost it").isEqualTo("milan-2");
	}

	@Test
	void aGangNoRoleOfWhichStartedIsPlacedAgainAtTheSameAttemptWhenAnAssignmentIsNotTaken() throws PipelineException {
		Host a = pollingHost("milan-1", 1, "milan");
		Host b = pollingHost("milan-2", 1, "milan");
		runs.queue(api, PipelineParser.parse(PAIR));
		pass.run();
		assertThat(states()).containsEntry("pair/source", "assigned").containsEntry("pair/destination", "assigned");

		// Both agents went away without their polls being answered.
		clock.advance(properties.assignmentTimeout().plusSeconds(1));
		readySlots.answered(a.id(), 0);
		readySlots.answered(b.id(), 0);
		pass.run();

		assertThat(states()).containsEntry("pair/source", "queued").containsEntry("pair/destination", "queued");
		assertThat(db.sql("select distinct attempt from job").query(Integer.class).list())
			.as("nothing ran: no attempt spent").containsExactly(1);
		assertThat(db.sql("select count(*) from job_attempt").query(Integer.class).single()).isZero();
	}

	@Test
	void anUntakenRoleOnTheLastAttemptEndsTheGangInsteadOfAnotherAttempt() throws PipelineException {
		Host a = pollingHost("milan-1", 1, "milan");
		pollingHost("milan-2", 1, "milan");
		runs.queue(api, PipelineParser.parse(PAIR));
		db.sql("update job set max_attempts = 1").update();
		pass.run();
		AgentProtocol.Job onA = queue.take(a.id(), 0).orElseThrow();
		String untaken = onA.name().equals("pair/source") ? "pair/destination" : "pair/source";

		clock.advance(properties.assignmentTimeout().plusSeconds(1));
		pass.run();

		assertThat(states()).containsEntry(untaken, "infra_error").containsEntry(onA.name(), "running");
		assertThat(db.sql("select reason from job where name = ?").param(untaken).query(String.class).single())
			.isEqualTo("a role's host did not take its assignment in time (attempt 1 of 1)");
		assertThat(db.sql("select distinct attempt from job").query(Integer.class).list()).containsExactly(1);
		assertThat(queue.heartbeat(onA.jobId(), onA.attempt(), a)).as("the running role is told to stop").isTrue();
		queue.finish(onA.jobId(), onA.attempt(), a, JobResult.CANCELED, "canceled", null);
		assertThat(db.sql("select state from run").query(String.class).single()).isEqualTo("failed");
	}

	@Test
	void eachRoleIsToldItsRoleTheRolesAndItsPeersAddressesWithTheClaimedJob() throws PipelineException {
		HttpAgent source = new HttpAgent(baseUrl(), "milan-1", Map.of("cpu.generation", "milan"), "127.0.0.1");
		HttpAgent destination = new HttpAgent(baseUrl(), "milan-2", Map.of("cpu.generation", "milan"), "127.0.0.2");
		runs.queue(api, PipelineParser.parse("""
				jobs:
				  live-migration:
				    env: { GUEST: svsm }
				    roles:
				      source: { steps: [ "./migrate.sh --source" ] }
				      destination-host: { steps: [ "./migrate.sh --destination" ] }
				"""));
		// The first agent's poll is parked while the second one's arrives: the pass has both hosts.
		readySlots.ready(hosts.find(source.hostId).orElseThrow(), 0, Duration.ofMinutes(1));

		JsonNode second = destination.poll();
		JsonNode first = source.poll();

		assertThat(List.of(first.get("name").asString(), second.get("name").asString()))
			.containsExactlyInAnyOrder("live-migration/source", "live-migration/destination-host");
		for (JsonNode job : List.of(first, second)) {
			JsonNode env = job.get("env");
			String role = job.get("name").asString().substring("live-migration/".length());
			assertThat(env.get("SNPLAB_ROLE").asString()).isEqualTo(role);
			assertThat(env.get("SNPLAB_ROLES").asString()).isEqualTo("source destination-host");
			assertThat(env.get("GUEST").asString()).isEqualTo("svsm");
		}
		// Each role is told where every role's host is, whichever agent got which role.
		String addressOfSource = first.get("name").asString().endsWith("/source") ? "127.0.0.1" : "127.0.0.2";
		String addressOfDestination = addressOfSource.equals("127.0.0.1") ? "127.0.0.2" : "127.0.0.1";
		for (JsonNode job : List.of(first, second)) {
			assertThat(job.get("env").get("SNPLAB_HOST_SOURCE").asString()).isEqualTo(addressOfSource);
			assertThat(job.get("env").get("SNPLAB_HOST_DESTINATION_HOST").asString()).isEqualTo(addressOfDestination);
		}
		assertThat(anonymous("/api/hosts/" + destination.hostId).get("address").asString()).isEqualTo("127.0.0.2");
	}

	@Test
	void aBadAddressIsRefusedNamingIt() {
		org.snplab.support.HttpApi.Response refused = org.snplab.support.HttpApi.bearer(baseUrl(), REGISTRATION_TOKEN)
			.post("/api/agent/register", Map.of("name", "milan-9", "slots", 1, "address", "10.0.0.1; rm -rf /"));

		assertThat(refused.status()).isEqualTo(400);
		assertThat(refused.body()).contains("address must be an IP address or a host name").contains("10.0.0.1; rm -rf /");
	}

	@Test
	void aRetryOfTheRunRetriesTheWholeGang() throws PipelineException {
		Host a = pollingHost("milan-1", 1, "milan");
		Host b = pollingHost("milan-2", 1, "milan");
		long runId = runs.queue(api, PipelineParser.parse(PAIR));
		pass.run();
		AgentProtocol.Job onA = queue.take(a.id(), 0).orElseThrow();
		AgentProtocol.Job onB = queue.take(b.id(), 0).orElseThrow();
		queue.finish(onA.jobId(), onA.attempt(), a, JobResult.PASSED, null, 0);
		queue.finish(onB.jobId(), onB.attempt(), b, JobResult.FAILED, "exit 1", 1);

		long retry = runs.retryFailed(runId);

		assertThat(views.run(retry).jobs()).extracting(RunViews.JobView::name)
			.containsExactlyInAnyOrder("pair/source", "pair/destination");
		assertThat(db.sql("select count(*) from job where run_id = ? and gang = 'pair' and role is not null")
			.param(retry).query(Integer.class).single()).isEqualTo(2);
	}

	private JsonNode anonymousJob(long id) {
		return anonymous("/api/jobs/" + id);
	}

	private JsonNode anonymous(String path) {
		return org.snplab.support.HttpApi.anonymous(baseUrl()).get(path).json();
	}

	/** A registered host of this CPU generation, not yet polling. */
	private Host host(String name, int slots, String generation) {
		long id = hosts.register(REGISTRATION_TOKEN, name, slots, Map.of(),
				Map.of("cpu.generation", generation, "capacity.memory.mb", "65536")).hostId();
		return hosts.find(id).orElseThrow();
	}

	/** A host whose every slot has a parked poll. */
	private Host pollingHost(String name, int slots, String generation) {
		Host host = host(name, slots, generation);
		for (int slot = 0; slot < slots; slot++) {
			readySlots.ready(host, slot, Duration.ofMinutes(10));
		}
		return host;
	}

	private void readyAgain(Host host) {
		readySlots.ready(host, 0, Duration.ofHours(1));
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

	private String hostOfId(long job) {
		return db.sql("select h.name from job j join host h on h.id = j.host_id where j.id = ?")
			.param(job)
			.query(String.class)
			.single();
	}

	private long idOf(String job) {
		return db.sql("select id from job where name = ?").param(job).query(Long.class).single();
	}
}
