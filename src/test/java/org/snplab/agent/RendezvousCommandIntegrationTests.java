package org.snplab.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.agent.worker.StepCommands;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * snplab-send and snplab-wait outside a working rendezvous: the scripts the agent writes run the real command,
 * and every failure says what was wrong with its exit code.
 */
class RendezvousCommandIntegrationTests {

	@TempDir
	Path workDir;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	@Test
	void theScriptsOnThePathRunTheCommandWithThisJava() throws Exception {
		Path bin = StepCommands.install(workDir);

		assertThat(bin).isEqualTo(workDir.toAbsolutePath().resolve("bin"));
		for (String name : new String[] { "snplab-send", "snplab-wait" }) {
			Path script = bin.resolve(name);
			assertThat(Files.isExecutable(script)).as(name).isTrue();
			assertThat(Files.readString(script)).startsWith("#!/bin/sh\n")
				.contains(ProcessHandle.current().info().command().orElseThrow());
		}
		Process send = new ProcessBuilder(bin.resolve("snplab-send").toString(), "port", "1")
			.redirectErrorStream(true)
			.start();
		String output = new String(send.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

		assertThat(send.waitFor()).as(output).isEqualTo(2);
		assertThat(output).contains("snplab-send: SNPLAB_RENDEZVOUS_URL and SNPLAB_RENDEZVOUS_TOKEN are not set: run it "
				+ "in a step of a snplab job");
		String before = Files.readString(bin.resolve("snplab-wait"));
		StepCommands.install(workDir);
		assertThat(Files.readString(bin.resolve("snplab-wait"))).as("installing again keeps them").isEqualTo(before);
	}

	@Test
	void usageErrorsExitTwoNamingTheProblem() {
		Map<String, String> env = Map.of("SNPLAB_RENDEZVOUS_URL", "http://127.0.0.1:1", "SNPLAB_RENDEZVOUS_TOKEN", "t");

		assertThat(run(env, "send", "port")).isEqualTo(2);
		assertThat(errors()).contains("snplab-send: Missing required parameter: 'VALUE'");
		assertThat(run(env, "wait", "source", "port", "--timeout", "-1")).isEqualTo(2);
		assertThat(errors()).contains("snplab-wait: --timeout must be 0 or more seconds, got -1");
		assertThat(run(env, "wait", "source", "port", "--timeout", "soon")).isEqualTo(2);
		assertThat(errors()).contains("snplab-wait: Invalid value for option '--timeout': 'soon' is not a long");
		assertThat(run(env, "listen")).isEqualTo(2);
		assertThat(errors()).contains("snplab.jar rendezvous: send KEY VALUE, or wait ROLE KEY [--timeout SECONDS]");
	}

	@Test
	void anAgentThatIsGoneExitsThreeSayingSo() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		Map<String, String> env = Map.of("SNPLAB_RENDEZVOUS_URL", "http://127.0.0.1:" + closedPort,
				"SNPLAB_RENDEZVOUS_TOKEN", "t");

		assertThat(run(env, "wait", "source", "port")).isEqualTo(3);
		assertThat(errors()).startsWith("snplab-wait: can't reach the snplab agent at http://127.0.0.1:" + closedPort)
			.contains("did the job end?");
	}

	private int run(Map<String, String> env, String... args) {
		out.reset();
		err.reset();
		return RendezvousCommand.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	private String errors() {
		return err.toString(StandardCharsets.UTF_8);
	}
}
