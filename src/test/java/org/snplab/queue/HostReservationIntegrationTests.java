package org.snplab.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.snplab.hosts.Host;
import org.snplab.hosts.HostRegistry;
import org.snplab.protocol.AgentProtocol;
import org.snplab.support.FormSession;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import org.snplab.support.SettableClock;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.snplab.queue.Pipelines.anyHostJob;

/**
 * A maintainer reserves a host through the API: it finishes its running job, takes no new one, shows who has it
 * and until when, and is back in service when the clock passes the end. Real PostgreSQL, the pass run by hand.
 */
@Import(SettableClock.Config.class)
class HostReservationIntegrationTests extends ServerIntegrationTest {

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
	RunViews views;

	private final RunService.Origin api = new RunService.Origin("file:///svsm", "main", "a".repeat(40), "api");

	@AfterEach
	void realTimeAgain() {
		clock.reset();
	}

	@Test
	void aReservedHostFinishesItsJobTakesNoNewOneAndReturnsToServiceAtExpiry() {
		Host host = pollingHost("milan-1");
		runs.queue(api, Pipelines.of(anyHostJob("running")));
		pass.run();
		AgentProtocol.Job running = queue.take(host.id(), 0).orElseThrow();

		HttpApi.Response reserved = maintainer().post("/api/hosts/" + host.id() + "/reservation",
				Map.of("minutes", 240, "reason", "debug SNP guest hang"));
		assertThat(reserved.status()).as(reserved.body()).isEqualTo(201);
		assertThat(reserved.json().get("state").asString()).isEqualTo("reserved");
		JsonNode reservation = anonymous().get("/api/hosts/" + host.id()).json().get("reservation");
		assertThat(reservation.get("by").asString()).isEqualTo("maintainer");
		assertThat(reservation.get("reason").asString()).isEqualTo("debug SNP guest hang");
		assertThat(Instant.parse(reservation.get("until").asString())).isEqualTo(inMinutes(240));

		queue.finish(running.jobId(), running.attempt(), host, JobResult.PASSED, null, 0);
		assertThat(state("running")).as("the running job finished as usual").isEqualTo("passed");
		runs.queue(api, Pipelines.of(anyHostJob("next")));
		ready(host);
		pass.run();
		assertThat(state("next")).as("a reserved host takes no new job").isEqualTo("queued");
		assertThat(views.job(idOf("next")).waiting()).as("the job says what it waits for")
			.isEqualTo("waiting: every matching host is reserved, draining, in maintenance or quarantined; milan-1 is "
					+ "reserved by maintainer until " + inMinutes(240));
		assertThat(anonymous().get("/hosts/" + host.id()).body()).contains("Reserved by", "maintainer", "debug SNP guest hang");

		clock.advance(Duration.ofMinutes(239));
		ready(host);
		pass.run();
		assertThat(state("next")).as("a minute before its end").isEqualTo("queued");

		clock.advance(Duration.ofMinutes(1));
		ready(host);
		pass.run();
		assertThat(state("next")).as("at its end the host is back in service by itself").isEqualTo("assigned");
		JsonNode back = anonymous().get("/api/hosts/" + host.id()).json();
		assertThat(back.get("state").asString()).isEqualTo("online");
		assertThat(back.get("reservation").isNull()).isTrue();
	}

	@Test
	void theHolderExtendsAndReleasesOthersMayNot() {
		Host host = pollingHost("milan-1");
		String path = "/api/hosts/" + host.id() + "/reservation";
		assertThat(admin().post(path, Map.of("minutes", 30, "reason", "firmware update")).status()).isEqualTo(201);

		HttpApi.Response taken = maintainer().post(path, Map.of("minutes", 30, "reason", "mine now"));
		assertThat(taken.status()).isEqualTo(409);
		assertThat(taken.json().get("detail").asString()).contains("reserved by admin until");
		HttpApi.Response notTheirs = maintainer().delete(path);
		assertThat(notTheirs.status()).isEqualTo(403);
		assertThat(notTheirs.json().get("detail").asString()).contains("only they or an admin");
		assertThat(maintainer().put(path, Map.of("minutes", 600)).status()).isEqualTo(403);

		clock.advance(Duration.ofMinutes(20));
		JsonNode extended = admin().put(path, Map.of("minutes", 600)).json();
		assertThat(Instant.parse(extended.get("reservation").get("until").asString()))
			.isEqualTo(inMinutes(600));
		assertThat(extended.get("reservation").get("reason").asString()).isEqualTo("firmware update");

		runs.queue(api, Pipelines.of(anyHostJob("next")));
		JsonNode released = admin().delete(path).json();
		assertThat(released.get("state").asString()).isEqualTo("online");
		ready(host);
		pass.run();
		assertThat(state("next")).as("a released host takes work again").isEqualTo("assigned");
		assertThat(admin().delete(path).status()).as("nothing left to release").isEqualTo(409);
		JsonNode timeline = admin().get("/api/hosts/" + host.id() + "/history").json();
		List<String> kinds = new java.util.ArrayList<>();
		timeline.forEach(event -> kinds.add(event.get("kind").asString() + " by " + event.get("actor").asString()));
		assertThat(kinds).as("newest first, on the host's timeline").containsExactly("released by admin",
				"reservation-extended by admin", "reserved by admin");
	}

	@Test
	void badReservationsAreRefusedWithWhatWasWrong() {
		Host host = pollingHost("milan-1");
		String path = "/api/hosts/" + host.id() + "/reservation";

		assertRefused(maintainer().post(path, Map.of("minutes", 0, "reason", "x")), 400, "\"minutes\" must be between 1 and 10080");
		assertRefused(maintainer().post(path, Map.of("minutes", 10081, "reason", "x")), 400, "got 10081");
		assertRefused(maintainer().post(path, Map.of("reason", "x")), 400, "got null");
		assertRefused(maintainer().post(path, Map.of("minutes", 60)), 400, "\"reason\" is required");
		assertRefused(maintainer().post(path, Map.of("minutes", 60, "reason", "x".repeat(501))), 400,
				"501 characters long; at most 500");
		assertRefused(maintainer().post(path, "{\"minutes\": \"soon\"}"), 400, "");
		assertRefused(maintainer().post("/api/hosts/999999/reservation", Map.of("minutes", 60, "reason", "x")), 404,
				"no host with id 999999");
		assertThat(HttpApi.basic(baseUrl(), "viewer", USER_PASSWORD).post(path, Map.of("minutes", 60, "reason", "x")).status())
			.isEqualTo(403);
		assertThat(anonymous().post(path, Map.of("minutes", 60, "reason", "x")).status()).isEqualTo(401);
		assertThat(anonymous().get("/api/hosts/" + host.id()).json().get("reservation").isNull()).isTrue();
	}

	@Test
	void theHostPageShowsReservationButtonsByRoleAndTheyWork() {
		Host host = pollingHost("milan-1");
		String page = "/hosts/" + host.id();
		assertThat(FormSession.logIn(baseUrl(), "viewer", USER_PASSWORD).get(page).body()).doesNotContain("id=\"reserve\"");

		FormSession maintainer = FormSession.logIn(baseUrl(), "maintainer", USER_PASSWORD);
		assertThat(maintainer.get(page).body()).contains("id=\"reserve\"").doesNotContain("id=\"release\"");
		FormSession.Page reserved = maintainer.post(page + "/reservation", Map.of("minutes", "90", "reason", "bisect kernel"));
		assertThat(reserved.status()).as(reserved.body()).isEqualTo(302);
		assertThat(maintainer.get(page).body()).contains("Reserved by", "bisect kernel", "id=\"extend\"", "id=\"release\"")
			.doesNotContain("id=\"reserve\"");
		assertThat(hosts.find(host.id()).orElseThrow().reservation().until())
			.isEqualTo(inMinutes(90));

		maintainer.post(page + "/reservation/release", Map.of());
		assertThat(hosts.find(host.id()).orElseThrow().reservation()).isNull();
		assertThat(maintainer.post(page + "/reservation", Map.of("minutes", "many", "reason", "x")).status()).isEqualTo(400);
	}

	/** As PostgreSQL keeps it: to the microsecond. */
	private Instant inMinutes(int minutes) {
		return clock.instant().plus(Duration.ofMinutes(minutes)).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
	}

	private static void assertRefused(HttpApi.Response response, int status, String error) {
		assertThat(response.status()).as(response.body()).isEqualTo(status);
		assertThat(response.json().get("detail").asString()).contains(error);
	}

	private Host pollingHost(String name) {
		long id = hosts.register(REGISTRATION_TOKEN, name, 1, Map.of(), Map.of()).hostId();
		Host host = hosts.find(id).orElseThrow();
		ready(host);
		return host;
	}

	private void ready(Host host) {
		readySlots.ready(host, 0, Duration.ofMinutes(10));
	}

	private long idOf(String job) {
		return db.sql("select id from job where name = ?").param(job).query(Long.class).single();
	}

	private String state(String job) {
		return db.sql("select case when state = 'finished' then result else state end from job where name = ?")
			.param(job)
			.query(String.class)
			.single();
	}

	private HttpApi maintainer() {
		return HttpApi.basic(baseUrl(), "maintainer", USER_PASSWORD);
	}

	private HttpApi admin() {
		return HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD);
	}

	private HttpApi anonymous() {
		return HttpApi.anonymous(baseUrl());
	}
}
