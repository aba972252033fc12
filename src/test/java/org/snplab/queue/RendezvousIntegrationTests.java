package org.snplab.queue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.snplab.hosts.HostRegistry;
import org.snplab.pipeline.PipelineException;
import org.snplab.pipeline.PipelineParser;
import org.snplab.support.Eventually;
import org.snplab.support.HttpAgent;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.snplab.queue.Pipelines.anyHostJob;

/**
 * snplab-send and snplab-wait through the real agent endpoints: two roles of one gang, each claimed by its own
 * host, find each other; everyone else is refused with the reason.
 */
class RendezvousIntegrationTests extends ServerIntegrationTest {

	@Autowired
	RunService runs;

	@Autowired
	HostRegistry hosts;

	@Autowired
	ReadySlots readySlots;

	@Autowired
	SchedulingPass pass;

	@Autowired
	Rendezvous rendezvous;

	private final RunService.Origin origin = new RunService.Origin("file:///repo", "main", "a".repeat(40), "api");

	private HttpAgent milan;

	private HttpAgent genoa;

	private Role source;

	private Role destination;

	/** A role's job as its host claimed it. */
	private record Role(HttpAgent host, long jobId, int attempt) {
	}

	@BeforeEach
	void gangOnTwoHosts() throws PipelineException {
		runs.queue(origin, PipelineParser.parse("""
				jobs:
				  live-migration:
				    steps: [ "./migrate.sh" ]
				    roles: { source: {}, destination: {} }
				"""));
		milan = new HttpAgent(baseUrl(), "milan-1", Map.of("cpu.generation", "milan"));
		genoa = new HttpAgent(baseUrl(), "genoa-1", Map.of("cpu.generation", "milan"));
		// Both hosts wait for work, as their agents' parked polls would: one pass places the gang on them.
		readySlots.ready(hosts.find(milan.hostId).orElseThrow(), 0, Duration.ofMinutes(1));
		readySlots.ready(hosts.find(genoa.hostId).orElseThrow(), 0, Duration.ofMinutes(1));
		pass.run();
		Role first = claim(milan);
		Role second = claim(genoa);
		boolean firstIsSource = role(first).equals("source");
		source = firstIsSource ? first : second;
		destination = firstIsSource ? second : first;
		assertThat(role(destination)).isEqualTo("destination");
	}

	@Test
	void aMessageSentIsReadAtOnceByTheOtherRole() {
		assertThat(source.host().send(source.jobId(), 1, "port", "34567").status()).isEqualTo(200);

		HttpApi.Response answer = destination.host().await(destination.jobId(), 1, "source", "port", 0);

		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.json().get("value").asString()).isEqualTo("34567");
	}

	@Test
	void aWaitingRoleIsAnsweredWhenTheMessageArrives() throws Exception {
		long asked = System.nanoTime();
		CompletableFuture<HttpApi.Response> waiting = CompletableFuture
			.supplyAsync(() -> destination.host().await(destination.jobId(), 1, "source", "port", 20));
		Eventually.await(Duration.ofSeconds(10), "the wait to be parked", rendezvous::parkedWaits, n -> n == 1);
		assertThat(waiting).isNotDone();

		assertThat(source.host().send(source.jobId(), 1, "port", "34567").status()).isEqualTo(200);

		HttpApi.Response answer = waiting.get(15, TimeUnit.SECONDS);
		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.json().get("value").asString()).isEqualTo("34567");
		assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("woken by the send, not by the wait's end")
			.isLessThan(Duration.ofSeconds(15));
		Eventually.await(Duration.ofSeconds(5), "the wait to be forgotten", rendezvous::parkedWaits, n -> n == 0);
	}

	@Test
	void aWaitForAMessageNotSentEndsEmptySoTheAgentAsksAgain() {
		HttpApi.Response answer = destination.host().await(destination.jobId(), 1, "source", "port", 1);

		assertThat(answer.status()).isEqualTo(204);
	}

	@Test
	void aRoleWaitsForItsOwnKeyOnlyFromTheRoleNamed() {
		source.host().send(source.jobId(), 1, "port", "34567");

		assertThat(destination.host().await(destination.jobId(), 1, "destination", "port", 0).status())
			.as("the destination sent no port").isEqualTo(204);
	}

	@Test
	void sendingAKeyAgainWithTheSameValueIsAcceptedWithAnotherRefused() {
		assertThat(source.host().send(source.jobId(), 1, "port", "34567").status()).isEqualTo(200);
		assertThat(source.host().send(source.jobId(), 1, "port", "34567").status()).isEqualTo(200);

		HttpApi.Response conflict = source.host().send(source.jobId(), 1, "port", "40000");

		assertThat(conflict.status()).isEqualTo(409);
		assertThat(error(conflict)).isEqualTo("role source of live-migration already sent port in attempt 1 with "
				+ "another value (34567); a key is sent once per attempt");
		assertThat(destination.host().await(destination.jobId(), 1, "source", "port", 0).json().get("value").asString())
			.isEqualTo("34567");
	}

	@Test
	void bothRolesMaySendTheSameKey() {
		source.host().send(source.jobId(), 1, "ready", "source");
		destination.host().send(destination.jobId(), 1, "ready", "destination");

		assertThat(source.host().await(source.jobId(), 1, "destination", "ready", 0).json().get("value").asString())
			.isEqualTo("destination");
		assertThat(destination.host().await(destination.jobId(), 1, "source", "ready", 0).json().get("value").asString())
			.isEqualTo("source");
	}

	@Test
	void aRoleNotInTheGangIsRefusedNamingTheRoles() {
		HttpApi.Response answer = destination.host().await(destination.jobId(), 1, "sorce", "port", 0);

		assertThat(answer.status()).isEqualTo(400);
		assertThat(error(answer)).isEqualTo("live-migration has no role 'sorce'; its roles: destination, source");
	}

	@Test
	void anotherHostCantSendOrWaitForAJobNotItsOwn() {
		HttpApi.Response send = genoaOrMilanOtherThan(source).send(source.jobId(), 1, "port", "1");
		HttpApi.Response wait = genoaOrMilanOtherThan(destination).await(destination.jobId(), 1, "source", "port", 0);

		assertThat(send.status()).isEqualTo(409);
		assertThat(error(send)).contains("job " + source.jobId() + " (live-migration/source) attempt 1 is not running on host "
				+ name(genoaOrMilanOtherThan(source)));
		assertThat(wait.status()).isEqualTo(409);
		assertThat(error(wait)).contains("is not running on host");
	}

	@Test
	void theStepsTokenOrNoCredentialIsRefused() {
		HttpApi.Response answer = HttpApi.bearer(baseUrl(), "not-a-host-credential")
			.post("/api/agent/jobs/" + source.jobId() + "/send?attempt=1", Map.of("key", "port", "value", "1"));

		assertThat(answer.status()).isEqualTo(401);
	}

	@Test
	void aRetriedGangsNewAttemptSeesNoneOfTheOldOnesMessagesAndTheOldAttemptIsRefused() {
		source.host().send(source.jobId(), 1, "port", "34567");
		// The gang retried (an infrastructure loss of one role): both roles on attempt 2, on the same hosts here.
		db.sql("update job set attempt = 2 where gang = 'live-migration'").update();

		HttpApi.Response stale = destination.host().await(destination.jobId(), 1, "source", "port", 0);
		assertThat(stale.status()).isEqualTo(409);
		assertThat(error(stale)).isEqualTo("job " + destination.jobId() + " (live-migration/destination) attempt 1 is "
				+ "over: its gang live-migration is on attempt 2 now (retried); a new attempt sees none of an old one's "
				+ "messages");
		assertThat(source.host().send(source.jobId(), 1, "other", "x").status()).isEqualTo(409);

		assertThat(destination.host().await(destination.jobId(), 2, "source", "port", 0).status())
			.as("attempt 2's source sent nothing yet").isEqualTo(204);
		assertThat(source.host().send(source.jobId(), 2, "port", "40000").status())
			.as("a new attempt may send another value").isEqualTo(200);
		assertThat(destination.host().await(destination.jobId(), 2, "source", "port", 0).json().get("value").asString())
			.isEqualTo("40000");
	}

	@Test
	void aSingleHostJobIsRefused() {
		HttpAgent host = source.host();
		assertThat(host.finish(source.jobId(), "passed", "")).isEqualTo(200);
		long runId = runs.queue(origin, Pipelines.of(anyHostJob("build")));
		long build = db.sql("select id from job where run_id = ?").param(runId).query(Long.class).single();
		assertThat(host.claim()).isEqualTo(build);

		HttpApi.Response send = host.send(build, 1, "port", "1");
		HttpApi.Response wait = host.await(build, 1, "source", "port", 0);

		assertThat(send.status()).isEqualTo(400);
		assertThat(error(send)).isEqualTo("job " + build + " (build) is not a multi-host job: snplab-send is for the "
				+ "roles of a pipeline job with roles:");
		assertThat(wait.status()).isEqualTo(400);
		assertThat(error(wait)).contains("snplab-wait is for the roles");
	}

	@Test
	void aFinishedRoleCanNoLongerSend() {
		assertThat(source.host().finish(source.jobId(), "passed", "")).isEqualTo(200);

		HttpApi.Response send = source.host().send(source.jobId(), 1, "port", "1");

		assertThat(send.status()).isEqualTo(409);
		assertThat(error(send)).contains("is not running on host " + name(source.host()));
	}

	@Test
	void badKeysAndValuesAreRefusedSayingWhatIsWrong() {
		HttpApi.Response spaced = source.host().send(source.jobId(), 1, "my port", "1");
		HttpApi.Response large = source.host().send(source.jobId(), 1, "blob", "x".repeat(Rendezvous.MAX_VALUE_BYTES + 1));
		HttpApi.Response missing = source.host().send(source.jobId(), 1, "port", null);
		HttpApi.Response nul = source.host().send(source.jobId(), 1, "port", "a\0b");
		HttpApi.Response noJob = source.host().send(999_999, 1, "port", "1");

		assertThat(spaced.status()).isEqualTo(400);
		assertThat(error(spaced)).isEqualTo("key 'my port' is not a key: 1 to 100 of A-Z a-z 0-9 _ . -");
		assertThat(large.status()).isEqualTo(413);
		assertThat(error(large)).isEqualTo("value of blob is 65537 bytes; at most 65536");
		assertThat(missing.status()).isEqualTo(400);
		assertThat(error(missing)).isEqualTo("value of port is missing");
		assertThat(nul.status()).isEqualTo(400);
		assertThat(error(nul)).isEqualTo("value of port holds a NUL character at 1: values are text");
		assertThat(noJob.status()).isEqualTo(404);
		assertThat(error(noJob)).isEqualTo("no job 999999");
		assertThat(source.host().send(source.jobId(), 1, "blob", "x".repeat(Rendezvous.MAX_VALUE_BYTES)).status())
			.as("64 KiB fits").isEqualTo(200);
	}

	@Test
	void messagesGoWithTheirRun() {
		source.host().send(source.jobId(), 1, "port", "34567");
		long runId = db.sql("select run_id from job where id = ?").param(source.jobId()).query(Long.class).single();

		db.sql("delete from run where id = ?").param(runId).update();

		assertThat(db.sql("select count(*) from rendezvous_message").query(Integer.class).single()).isZero();
	}

	private HttpAgent genoaOrMilanOtherThan(Role role) {
		return role.host() == milan ? genoa : milan;
	}

	private String name(HttpAgent host) {
		return host == milan ? "milan-1" : "genoa-1";
	}

	private Role claim(HttpAgent host) {
		JsonNode job = host.poll();
		assertThat(job).as("a job for the host").isNotNull();
		return new Role(host, job.get("jobId").asLong(), job.get("attempt").asInt());
	}

	private String role(Role role) {
		return db.sql("select role from job where id = ?").param(role.jobId()).query(String.class).single();
	}

	private static String error(HttpApi.Response response) {
		return response.json().get("detail").asString();
	}
}
