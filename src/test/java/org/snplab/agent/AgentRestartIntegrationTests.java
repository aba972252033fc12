package org.snplab.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.snplab.agent.FakeSnplabServer.await;
import static org.snplab.agent.TestAgents.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.protocol.AgentProtocol.Finish;
import org.snplab.agent.process.ProcessGroup;
import org.snplab.support.AgentProcess;

/** A real agent process, killed with {@code kill -9} mid-step and started again on the same work dir. */
class AgentRestartIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	@TempDir
	Path tmp;

	private FakeSnplabServer server;

	private GitFixtures.Repo repo;

	private long shell;

	@BeforeEach
	void start() throws Exception {
		server = new FakeSnplabServer();
		repo = GitFixtures.oneCommit(tmp.resolve("repo"));
	}

	@AfterEach
	void stop() throws Exception {
		if (shell > 0 && ProcessGroup.running(shell)) {
			// Don't leave sleep 1000 behind when the test failed.
			new ProcessBuilder("/bin/kill", "-KILL", "--", "-" + shell).start().waitFor();
		}
		server.close();
	}

	@Test
	void aRestartedAgentKillsTheProcessGroupItsKilledRunLeftRunningBeforeTakingWork() throws Exception {
		Path pids = Files.createDirectories(tmp.resolve("pids"));
		Path work = tmp.resolve("work");
		server.enqueue(job(1, repo, "sleep 1000 & echo $! > " + pids + "/child; echo $$ > " + pids + "/shell; sleep 1000"));
		long child;
		try (AgentProcess agent = AgentProcess.start(server.url().toString(), FakeSnplabServer.REGISTRATION_TOKEN, work,
				"restarted")) {
			// The shell creates each file before echo writes into it: wait for the whole line.
			await(() -> written(pids.resolve("child")) && written(pids.resolve("shell")), WAIT, "the step to start");
			shell = pid(pids.resolve("shell"));
			child = pid(pids.resolve("child"));
			// The agent records the step's group just after starting it: crash it once that record is there.
			await(() -> recorded(work), WAIT, "the step's process group recorded");

			agent.crash();
		}
		assertThat(ProcessGroup.running(shell)).as("the step outlived its agent").isTrue();
		assertThat(ProcessGroup.running(child)).as("and so did its child").isTrue();

		server.enqueue(job(2, repo, "echo next"));
		try (AgentProcess again = AgentProcess.start(server.url().toString(), FakeSnplabServer.REGISTRATION_TOKEN, work,
				"restarted")) {
			Finish next = server.awaitFinish(2, WAIT);

			assertThat(next.result()).isEqualTo("passed");
			assertThat(ProcessGroup.running(shell)).as("the old step's shell").isFalse();
			assertThat(ProcessGroup.running(child)).as("the old step's child").isFalse();
		}
	}

	private static boolean recorded(Path work) {
		try (java.util.stream.Stream<Path> records = Files.list(work.resolve("process-groups"))) {
			// Its final name, not the temporary file it is written into first.
			return records.anyMatch(record -> !record.getFileName().toString().endsWith(".tmp"));
		}
		catch (IOException e) {
			return false;
		}
	}

	private static boolean written(Path file) {
		try {
			return Files.readString(file).endsWith("\n");
		}
		catch (IOException e) {
			return false;
		}
	}

	private static long pid(Path file) throws IOException {
		return Long.parseLong(Files.readString(file).strip());
	}
}
