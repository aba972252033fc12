package org.snplab.ctl;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.support.HttpAgent;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import org.snplab.support.TestRepositories;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code snplab.jar ctl} against a real server: tables, --json, actions, logs, and exit codes a script can use. */
class CtlIntegrationTests extends ServerIntegrationTest {

	@TempDir
	Path temp;

	Path adminToken;

	Path viewerToken;

	TestRepositories repository;

	@BeforeEach
	void tokensAndARepository() throws IOException {
		adminToken = tokenFile("admin", ADMIN_PASSWORD);
		viewerToken = tokenFile("viewer", USER_PASSWORD);
		repository = TestRepositories.init(temp.resolve("repo"));
		repository.commit("pipeline", Map.of(".snplab.yml", """
				jobs:
				  build:
				    steps: [ "echo building" ]
				  test:
				    steps: [ "echo testing" ]
				"""));
	}

	@Test
	void submitThenRunsRunAndQueueShowTheRunInTablesAndJson() {
		Ctl submitted = ctl(adminToken, "submit", repository.url(), "main");
		assertThat(submitted.exitCode).as(submitted.err).isZero();
		assertThat(submitted.out).startsWith("queued run ");
		long run = Long.parseLong(submitted.out.strip().replace("queued run ", ""));

		Ctl runs = ctl(viewerToken, "runs");
		assertThat(runs.lines().get(0)).startsWith("ID").contains("STATE").contains("REPOSITORY");
		assertThat(runs.lines().get(1)).startsWith(run + " ").contains("queued").contains(repository.url()).contains("0/2 passed");

		Ctl one = ctl(viewerToken, "run", Long.toString(run));
		assertThat(one.out).contains("run " + run + "  queued").contains("build").contains("test").contains("1/3");

		Ctl queue = ctl(viewerToken, "queue");
		assertThat(queue.out).contains("build").contains("test").contains("no host that takes work matches");

		assertThat(HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD)
			.put("/api/repositories/lab/svsm", Map.of("cloneUrl", repository.url(), "webhookSecret", "s3cret")).status())
			.isEqualTo(200);
		Ctl byName = ctl(adminToken, "submit", "lab/svsm", "main");
		assertThat(byName.exitCode).as(byName.err).isZero();
		long named = Long.parseLong(byName.out.strip().replace("queued run ", ""));
		assertThat(ctl(viewerToken, "run", Long.toString(named)).out).as("a served repository by its name")
			.contains(repository.url());
		Ctl unknown = ctl(adminToken, "submit", "nobody/nothing", "main");
		assertThat(unknown.exitCode).isEqualTo(1);
		assertThat(unknown.err).contains("no repository nobody/nothing is served here");

		Ctl json = ctl(viewerToken, "--json", "run", Long.toString(run));
		assertThat(JsonMapper.builder().build().readTree(json.out).get("jobs").size()).isEqualTo(2);
	}

	@Test
	void hostsDrainAndEnableByNameAndAnUnknownHostIsRefused() {
		HttpAgent agent = new HttpAgent(baseUrl(), "milan-1", Map.of("cpu.generation", "milan"));

		assertThat(ctl(viewerToken, "hosts").out).contains("milan-1").contains("NAME");
		Ctl drain = ctl(adminToken, "drain", "milan-1");
		assertThat(drain.exitCode).as(drain.err).isZero();
		assertThat(hostMode(agent.hostId)).isEqualTo("draining");
		assertThat(ctl(adminToken, "enable", Long.toString(agent.hostId)).exitCode).isZero();
		assertThat(hostMode(agent.hostId)).isEqualTo("active");

		Ctl unknown = ctl(adminToken, "drain", "rome-9");
		assertThat(unknown.exitCode).isEqualTo(1);
		assertThat(unknown.err.strip()).isEqualTo("snplab ctl: no host named rome-9 (ctl hosts lists them)");
		Ctl forbidden = ctl(viewerToken, "drain", "milan-1");
		assertThat(forbidden.exitCode).isEqualTo(1);
		assertThat(forbidden.err).contains("403").contains("viewer is viewer").doesNotContain("\n\n")
			.as("the problem's detail, not its JSON").doesNotContain("\"status\"");
		assertThat(forbidden.err.strip().lines().count()).isEqualTo(1);
	}

	@Test
	void logsPrintsAJobsLogAndFollowingAFailedJobExitsWith4() {
		long run = Long.parseLong(ctl(adminToken, "submit", repository.url(), "main").out.strip().replace("queued run ", ""));
		HttpAgent agent = new HttpAgent(baseUrl(), "genoa-1", Map.of());
		long job = agent.claim();
		assertThat(agent.log(job, 0, "step 1 of 2\n")).isEqualTo(204);
		assertThat(agent.finish(job, "failed", "exit 1")).isEqualTo(200);

		assertThat(ctl(viewerToken, "logs", Long.toString(job)).out).isEqualTo("step 1 of 2\n");
		Ctl followed = ctl(viewerToken, "logs", "-f", Long.toString(job));
		assertThat(followed.exitCode).isEqualTo(CtlException.JOB_DID_NOT_PASS);
		assertThat(followed.out).isEqualTo("step 1 of 2\n");

		Ctl notYet = ctl(adminToken, "retry", Long.toString(run));
		assertThat(notYet.exitCode).as("the other job is still queued").isEqualTo(1);
		assertThat(notYet.err).contains("409").contains("is still");
		assertThat(ctl(adminToken, "cancel", Long.toString(run)).exitCode).isZero();
		Ctl retried = ctl(adminToken, "retry", Long.toString(run));
		assertThat(retried.exitCode).as(retried.err).isZero();
		assertThat(retried.out).contains("a retry of run " + run);
	}

	@Test
	void unreachableServerBadTokenAndUsageErrorsHaveTheirExitCodes() throws IOException {
		int closed;
		try (ServerSocket socket = new ServerSocket(0)) {
			closed = socket.getLocalPort();
		}
		Ctl unreachable = run("--server", "http://127.0.0.1:" + closed, "--token-file", adminToken.toString(), "hosts");
		assertThat(unreachable.exitCode).isEqualTo(3);
		assertThat(unreachable.err).contains("GET /api/hosts").contains("can't connect").doesNotContain("null");

		Path junk = Files.writeString(temp.resolve("junk"), "snplab_not-a-token\n");
		Ctl badToken = ctl(junk, "hosts");
		assertThat(badToken.exitCode).isEqualTo(1);
		assertThat(badToken.err).contains("401").contains("not a valid snplab API token");

		Ctl missing = run("--server", baseUrl(), "--token-file", temp.resolve("absent").toString(), "hosts");
		assertThat(missing.exitCode).isEqualTo(2);
		assertThat(missing.err).contains("--token-file").contains("can't read it");
		Ctl noCommand = ctl(adminToken, "reboot-everything");
		assertThat(noCommand.exitCode).isEqualTo(2);
		assertThat(run("--help").out).contains("submit").contains("reserve").contains("Exit codes");
	}

	private String hostMode(long id) {
		return db.sql("select mode from host where id = ?").param(id).query(String.class).single();
	}

	private Path tokenFile(String user, String password) throws IOException {
		HttpApi.Response created = HttpApi.basic(baseUrl(), user, password).post("/api/tokens", Map.of("name", "ctl"));
		assertThat(created.status()).isEqualTo(201);
		return Files.writeString(temp.resolve(user + ".token"), created.json().get("token").asString() + "\n");
	}

	private Ctl ctl(Path token, String... args) {
		List<String> all = new ArrayList<>(List.of("--server", baseUrl(), "--token-file", token.toString()));
		all.addAll(List.of(args));
		return run(all.toArray(String[]::new));
	}

	private static Ctl run(String... args) {
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		int code = CtlCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
		return new Ctl(code, out.toString(), err.toString());
	}

	private record Ctl(int exitCode, String out, String err) {

		List<String> lines() {
			return out.lines().toList();
		}
	}
}
