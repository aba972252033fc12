package org.snplab.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.snplab.agent.FakeSnplabServer.await;
import static org.snplab.agent.TestAgents.fastAgent;
import static org.snplab.agent.TestAgents.job;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.protocol.AgentProtocol.Finish;
import org.snplab.agent.process.ProcessGroup;

/**
 * {@code --run-as}: the code under test runs as an unprivileged user and can't read the agent's credential or
 * change the host's mirrors. A real agent (run as root, as CI and this project's machines do), real setpriv, real
 * steps. On a machine where the tests don't run as root, the agent's refusal is what is checked.
 */
class StepUserIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@TempDir
	Path tmp;

	private FakeSnplabServer server;

	private Agent agent;

	private GitFixtures.Repo repo;

	@BeforeEach
	void start() throws Exception {
		Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x")); // as /var/lib is
		server = new FakeSnplabServer();
		repo = GitFixtures.oneCommit(tmp.resolve("repo"));
	}

	@AfterEach
	void stop() {
		if (agent != null) {
			agent.stop();
		}
		server.close();
	}

	@Test
	void stepsRunAsTheGivenUserWhoCantReadTheCredentialNorWriteTheMirrors() throws Exception {
		Path work = tmp.resolve("work");
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		agent = new Agent(fastAgent(server, work).withRunAs("nobody"), new PrintStream(err, true, StandardCharsets.UTF_8));
		int started = agent.start();
		if (!isRoot()) {
			assertThat(started).isEqualTo(2);
			assertThat(err.toString(StandardCharsets.UTF_8)).contains("--run-as nobody needs the agent to run as root");
			return;
		}
		assertThat(started).isZero();
		server.enqueue(job(1, repo, "id -un", "echo home=$HOME",
				"if cat " + work.resolve("credential.json") + "; then exit 1; fi; echo credential-unreadable",
				"if touch " + work.resolve("mirrors") + "/planted; then exit 1; fi; echo mirrors-read-only",
				"touch written-here && git cat-file -t HEAD"));

		Finish finish = server.awaitFinish(1, WAIT);

		assertThat(finish).isEqualTo(new Finish("passed", "", 0));
		assertThat(server.log(1)).contains("$ id -un\nnobody\n")
			.contains("home=" + work.resolve("slot-0").resolve("job-1-1"))
			.contains("credential-unreadable")
			.contains("mirrors-read-only")
			.contains("commit\n");
	}

	@Test
	void aCanceledStepOfTheOtherUserIsKilledWithItsWholeGroup() throws Exception {
		assumeTrue(isRoot(), "steps of another user need the agent to run as root (as in CI)");
		Path work = tmp.resolve("work");
		agent = new Agent(fastAgent(server, work).withRunAs("nobody"));
		assertThat(agent.start()).isZero();
		server.enqueue(job(2, repo, "sleep 300 & echo $! > bg.pid; wait"));
		Path pidFile = work.resolve("slot-0").resolve("job-2-1").resolve("bg.pid");
		await(() -> readPid(pidFile) > 0, WAIT, "the step's pid file");
		long sleeper = readPid(pidFile);
		assertThat(ProcessGroup.running(sleeper)).isTrue();

		server.cancel(2);

		assertThat(server.awaitFinish(2, WAIT).result()).isEqualTo("canceled");
		assertThat(ProcessGroup.running(sleeper)).isFalse();
	}

	@Test
	void aRootAgentWithoutRunAsWarnsThatStepsRunAsRoot() throws Exception {
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		agent = new Agent(fastAgent(server, tmp.resolve("work")), new PrintStream(err, true, StandardCharsets.UTF_8));

		assertThat(agent.start()).isZero();

		String warning = "running as root without --run-as: every job's steps run as root too";
		if (isRoot()) {
			assertThat(err.toString(StandardCharsets.UTF_8)).contains(warning);
		}
		else {
			assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain(warning);
		}
	}

	@Test
	void theAgentRefusesRootOrAnUnknownUserAsTheStepUser() throws Exception {
		for (String user : new String[] { "root", "no-such-user-snplab" }) {
			ByteArrayOutputStream err = new ByteArrayOutputStream();
			Agent refusing = new Agent(fastAgent(server, tmp.resolve("work-" + user)).withRunAs(user),
					new PrintStream(err, true, StandardCharsets.UTF_8));

			assertThat(refusing.start()).isEqualTo(2);
			String expected = !isRoot() ? "needs the agent to run as root"
					: user.equals("root") ? "--run-as root is root: give an unprivileged user"
							: "--run-as: no user no-such-user-snplab on this host";
			assertThat(err.toString(StandardCharsets.UTF_8)).contains(expected);
		}
		assertThat(server.registrations.get()).as("nothing registered").isZero();
	}

	private static boolean isRoot() throws Exception {
		return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
	}

	private static long readPid(Path file) {
		try {
			String text = Files.readString(file).trim();
			return text.isEmpty() ? 0 : Long.parseLong(text);
		}
		catch (Exception e) {
			return 0;
		}
	}
}
