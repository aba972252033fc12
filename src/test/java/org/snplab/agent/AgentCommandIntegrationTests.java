package org.snplab.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.snplab.agent.FakeSnplabServer.await;
import static org.snplab.agent.TestAgents.fastAgent;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.agent.api.AgentApi;
import org.snplab.pipeline.Requirements;

import tools.jackson.databind.JsonNode;

/** The agent's command line and its registration, in-process and as a real child JVM. */
class AgentCommandIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@TempDir
	Path tmp;

	private final FakeSnplabServer server = new FakeSnplabServer();

	AgentCommandIntegrationTests() throws Exception {
	}

	@AfterEach
	void stop() {
		server.close();
	}

	@Test
	void registersOnceAndReusesCredential() throws Exception {
		AgentConfig config = fastAgent(server, tmp.resolve("work"));
		for (int run = 1; run <= 2; run++) {
			Agent agent = new Agent(config);
			assertThat(agent.start()).isZero();
			int beats = run;
			await(() -> server.heartbeats.size() >= beats, WAIT, "heartbeat " + run);
			agent.stop();
		}

		assertThat(server.registrations).hasValue(1);
		Path credential = config.credentialFile();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credential))).isEqualTo("rw-------");
		JsonNode saved = AgentApi.JSON.readTree(Files.readString(credential));
		assertThat(saved.get("server").asText()).isEqualTo(server.url().toString());
		assertThat(saved.get("hostId").asLong()).isEqualTo(1);
		assertThat(saved.get("credential").asText()).isEqualTo(FakeSnplabServer.CREDENTIAL);
		assertThat(server.authorizations).filteredOn(a -> !a.startsWith("/api/agent/register "))
			.allSatisfy(a -> assertThat(a).endsWith("Bearer " + FakeSnplabServer.CREDENTIAL));
		JsonNode beat = server.heartbeats.get(0);
		assertThat(beat.get("slots").asInt()).isEqualTo(1);
		assertThat(beat.get("running").isArray()).isTrue();
		assertThat(beat.get("facts").isObject()).isTrue();
	}

	@Test
	void rejectedRegistrationTokenExitsWithOne() throws Exception {
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int code = AgentCommand.run(new String[] { "--server", server.url().toString(), "--token", "wrong",
				"--work-dir", tmp.resolve("work").toString() }, System.out, new PrintStream(err, true));

		assertThat(code).isEqualTo(1);
		assertThat(err.toString()).contains("registration token rejected by " + server.url());
		assertThat(tmp.resolve("work/credential.json")).doesNotExist();
	}

	@Test
	void rejectedCredentialEndsTheAgentWithOne() throws Exception {
		Agent agent = new Agent(fastAgent(server, tmp.resolve("work")));
		CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
			try {
				return agent.run();
			}
			catch (InterruptedException e) {
				return -1;
			}
		});
		await(() -> !server.heartbeats.isEmpty(), WAIT, "first heartbeat");

		server.revokeCredential();

		assertThat(exit.get(20, TimeUnit.SECONDS)).isEqualTo(1);
	}

	@Test
	void probeFlagPrintsJson() throws Exception {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int code = AgentCommand.run(new String[] { "--probe", "--root", tmp.toString() },
				new PrintStream(out, true, StandardCharsets.UTF_8), System.err);

		assertThat(code).isZero();
		assertThat(AgentApi.JSON.readTree(out.toString(StandardCharsets.UTF_8)).isObject()).isTrue();
	}

	@Test
	void badArgumentsExitWithUsage() throws Exception {
		Process child = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-cp", System.getProperty("java.class.path"), "org.snplab.SnplabApplication", "agent", "--server",
				"http://127.0.0.1:1", "--slots", "many"))
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		String stderr = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

		assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(child.exitValue()).isEqualTo(2);
		assertThat(stderr).contains("Usage: snplab.jar agent");
		for (String[] bad : List.of(new String[] { "--token", "t" }, new String[] { "--server", "ftp://x", "--token", "t" },
				new String[] { "--server", "https://x", "--token", "t", "--label", "=novalue" },
				new String[] { "--server", "https://x", "--token", "t", "--label", "a", "--label", "a=b" },
				new String[] { "--server", "https://x", "--token", "t", "--bogus" },
				new String[] { "--server", "https://x", "--token" }, new String[] { "--probe", "--slots", "2" })) {
			ByteArrayOutputStream err = new ByteArrayOutputStream();
			assertThat(AgentCommand.run(bad, System.out, new PrintStream(err, true))).as(String.join(" ", bad))
				.isEqualTo(2);
			assertThat(err.toString()).contains("Usage:");
		}
	}

	@Test
	void parsesEveryOptionAndDefaults() {
		AgentConfig config = (AgentConfig) AgentCommand.parse(new String[] { "--server", "https://ci.example.org",
				"--token=t", "--work-dir", "/var/lib/snplab", "--name", "genoa-1", "--slots", "4", "--label", "cpu=genoa",
				"--label", "snp=true", "--kill-grace", "3", "--vsock-cid-base", "200", "--vsock-port-base", "20000",
				"--max-output-mib", "64", "--run-as", "snplab-step" }, Map.of());

		assertThat(config.name()).isEqualTo("genoa-1");
		assertThat(config.slots()).isEqualTo(4);
		assertThat(config.labels()).containsEntry("cpu", "genoa").containsEntry("snp", "true");
		assertThat(config.killGrace()).isEqualTo(Duration.ofSeconds(3));
		assertThat(config.vsockCidBase()).isEqualTo(200);
		assertThat(config.vsockPortBase()).isEqualTo(20000);
		assertThat(config.maxOutputBytes()).isEqualTo(64L << 20);
		assertThat(config.runAs()).isEqualTo("snplab-step");
		AgentConfig defaults = (AgentConfig) AgentCommand.parse(new String[] { "--server", "https://x", "--token", "t" }, Map.of());
		assertThat(defaults.workDir()).isEqualTo(Path.of("agent-work"));
		assertThat(defaults.slots()).isEqualTo(1);
		assertThat(defaults.killGrace()).isEqualTo(Duration.ofSeconds(10));
		assertThat(defaults.vsockCidBase()).isEqualTo(100);
		assertThat(defaults.vsockPortBase()).isEqualTo(10000);
		assertThat(defaults.maxOutputBytes()).isEqualTo(1L << 30);
		assertThat(defaults.runAs()).as("steps run as the agent's user").isNull();
		assertThat(defaults.name()).isNotBlank();
	}

	@Test
	void aLabelWithoutAValueIsAcceptedAsTheReadmeAndTheUnitWriteIt() {
		AgentConfig config = (AgentConfig) AgentCommand.parse(new String[] { "--server", "https://x", "--token", "t",
				"--label", "coconut", "--label=board=epyc", "--label", "empty=" }, Map.of());

		assertThat(config.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("coconut", "", "board", "epyc", "empty", ""));
		assertThat(new Requirements(List.of(), List.of("coconut")).matches(Map.of(), config.labels()))
			.as("a pipeline's labels: [coconut] matches the host").isTrue();
	}

	@Test
	void theTokenMayComeFromTheEnvironmentInsteadOfTheCommandLine() {
		AgentConfig fromEnvironment = (AgentConfig) AgentCommand.parse(new String[] { "--server", "https://x" },
				Map.of("SNPLAB_REGISTRATION_TOKEN", "from-env"));
		AgentConfig flagWins = (AgentConfig) AgentCommand.parse(new String[] { "--server", "https://x", "--token", "flag" },
				Map.of("SNPLAB_REGISTRATION_TOKEN", "from-env"));

		assertThat(fromEnvironment.token()).isEqualTo("from-env");
		assertThat(flagWins.token()).isEqualTo("flag");
		assertThatThrownBy(() -> AgentCommand.parse(new String[] { "--server", "https://x" }, Map.of()))
			.hasMessage("--token (or SNPLAB_REGISTRATION_TOKEN) is required");
	}

	@Test
	void tlsOptionsAreTakenAndPlainHttpToAnotherMachineIsRefusedUnlessAskedFor() {
		AgentConfig tls = (AgentConfig) AgentCommand.parse(new String[] { "--server", "https://snplab.lab.example",
				"--token", "t", "--ca-cert", "/etc/snplab/lab-ca.pem", "--client-cert", "/etc/snplab/host.pem",
				"--client-key", "/etc/snplab/host.key" }, Map.of());
		assertThat(tls.tls().caCert()).isEqualTo(Path.of("/etc/snplab/lab-ca.pem"));
		assertThat(tls.tls().clientKey()).isEqualTo(Path.of("/etc/snplab/host.key"));

		assertThatThrownBy(() -> AgentCommand.parse(new String[] { "--server", "http://10.0.0.5:8080", "--token", "t" },
				Map.of())).hasMessageContaining("plain http to another machine").hasMessageContaining("--insecure-http");
		AgentConfig insecure = (AgentConfig) AgentCommand.parse(new String[] { "--server", "http://10.0.0.5:8080",
				"--token", "t", "--insecure-http" }, Map.of());
		assertThat(insecure.tls().insecureHttp()).isTrue();
		assertThatThrownBy(() -> AgentCommand.parse(new String[] { "--server", "https://x", "--token", "t",
				"--client-cert", "/etc/snplab/host.pem" }, Map.of())).hasMessageContaining("--client-key go together");
	}

	@Test
	void helpListsEveryOptionAndExitsZero() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();

		assertThat(AgentCommand.run(new String[] { "--help" }, new PrintStream(out, true), System.err)).isZero();

		assertThat(out.toString()).contains("Usage: snplab.jar agent").contains("--server=URL").contains("--ca-cert=FILE")
			.contains("--drain-timeout=SECONDS").contains("--cache-max-gib=N").contains("default 20");
	}
}
