package org.snplab.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.snplab.agent.FakeSnplabServer.await;
import static org.snplab.agent.TestAgents.fastAgent;
import static org.snplab.agent.TestAgents.job;
import static org.snplab.agent.TestAgents.withEnv;
import static org.snplab.agent.TestAgents.withFiles;
import static org.snplab.agent.TestAgents.withTimeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.protocol.AgentProtocol.Finish;
import org.snplab.protocol.AgentProtocol.Job;
import org.snplab.agent.process.ProcessGroup;

/** A real agent in-process against {@link FakeSnplabServer}, running real steps on a real checkout. */
class JobRunnerIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@TempDir
	Path tmp;

	private FakeSnplabServer server;

	private Agent agent;

	private GitFixtures.Repo repo;

	@BeforeEach
	void start() throws Exception {
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

	private void startAgent(AgentConfig config) throws Exception {
		agent = new Agent(config);
		assertThat(agent.start()).isZero();
	}

	private Path workDir() {
		return tmp.resolve("work");
	}

	@Test
	void runsStepsInOrderAndStreamsLogInOrder() throws Exception {
		startAgent(fastAgent(server, workDir()));
		server.enqueue(job(1, repo, "for i in 1 2 3; do echo line-$i; done", "echo to-stderr >&2; cat README.md",
				"printf 'grüße €\\n'"));

		Finish finish = server.awaitFinish(1, WAIT);

		assertThat(finish).isEqualTo(new Finish("passed", "", 0));
		assertThat(server.workspaces.get(1L)).as("where it ran, for a held job's page")
			.isEqualTo(workDir().resolve("slot-0/job-1-1").toAbsolutePath().toString());
		assertThat(server.log(1)).isEqualTo("""
				$ for i in 1 2 3; do echo line-$i; done
				line-1
				line-2
				line-3
				$ echo to-stderr >&2; cat README.md
				to-stderr
				snplab test repository
				$ printf 'grüße €\\n'
				grüße €
				""");
	}

	@Test
	void failedStepStopsJobAndReportsExitCode() throws Exception {
		startAgent(fastAgent(server, workDir()));
		server.enqueue(job(2, repo, "echo first", "echo second; exit 3", "echo never"));

		Finish finish = server.awaitFinish(2, WAIT);

		assertThat(finish).isEqualTo(new Finish("failed", "step 2 exited 3", 3));
		assertThat(server.log(2)).isEqualTo("$ echo first\nfirst\n$ echo second; exit 3\nsecond\nstep 2 exited 3\n");
	}

	@Test
	void theServersUrlRewritesAndTheAgentsOwnTakeTheCheckoutToTheLabsMirror() throws Exception {
		startAgent(fastAgent(server, workDir()).withGitRewrites(List.of("https://github.com/lab-only/=" + repo.url())));
		Job base = job(24, repo, "cat README.md");
		// As the server sends it: the pipeline's URL is GitHub's, the lab's setting maps it to its mirror.
		server.enqueue(new Job(base.jobId(), base.attempt(), base.runId(), base.name(), "https://github.com/example/svsm.git",
				base.commit(), base.steps(), base.env(), base.timeoutSeconds(), base.artifacts(), base.junit(),
				base.heartbeatSeconds(), "false", List.of("https://github.com/example/svsm.git=" + repo.url())));

		assertThat(server.awaitFinish(24, WAIT)).isEqualTo(new Finish("passed", "", 0));
		assertThat(server.log(24)).contains("snplab test repository");
	}

	@Test
	void aStepExiting75BlamesTheLabNotTheCommit() throws Exception {
		startAgent(fastAgent(server, workDir()));
		server.enqueue(job(21, repo, "echo launching guest; exit 75", "echo never"));

		Finish finish = server.awaitFinish(21, WAIT);

		assertThat(finish).isEqualTo(new Finish("infra_error",
				"step 1 exited 75 (EX_TEMPFAIL): an infrastructure error, not the commit's", 75));
		assertThat(server.log(21)).doesNotContain("never");
	}

	@Test
	void aStepThatWritesWhyIntoSnplabInfraErrorEndsTheAttemptAsAnInfraErrorWithThatReason() throws Exception {
		startAgent(fastAgent(server, workDir()));
		server.enqueue(job(22, repo, "echo 'SNP guest did not launch: SNP_LAUNCH_START failed (firmware)' > \"$SNPLAB_INFRA_ERROR\"; exit 1",
				"echo never"));

		Finish finish = server.awaitFinish(22, WAIT);

		assertThat(finish).isEqualTo(new Finish("infra_error",
				"step 1 reported an infrastructure error: SNP guest did not launch: SNP_LAUNCH_START failed (firmware)", 1));
	}

	@Test
	void aPlainFailureStaysTheCommitsFailure() throws Exception {
		startAgent(fastAgent(server, workDir()));
		server.enqueue(job(23, repo, "test -n \"$SNPLAB_INFRA_ERROR\" && git status --porcelain | wc -l && exit 74"));

		Finish finish = server.awaitFinish(23, WAIT);

		assertThat(finish).isEqualTo(new Finish("failed", "step 1 exited 74", 74));
		assertThat(server.log(23)).as("the infra-error file is kept out of git's sight").contains("\n0\n");
	}

	@Test
	void checkoutOfUnknownCommitIsInfraError() throws Exception {
		startAgent(fastAgent(server, workDir()));
		GitFixtures.Repo unknown = new GitFixtures.Repo(repo.url(), "0123456789abcdef0123456789abcdef01234567");
		server.enqueue(job(3, unknown, "echo never"));

		Finish finish = server.awaitFinish(3, WAIT);

		assertThat(finish.result()).isEqualTo("infra_error");
		assertThat(finish.reason()).startsWith("checkout failed: ");
		assertThat(finish.exitCode()).isNull();
		assertThat(server.log(3)).startsWith("checkout failed: ").doesNotContain("never");
	}

	@Test
	void cancelFromHeartbeatKillsWholeProcessGroup() throws Exception {
		startAgent(fastAgent(server, workDir()));
		Path pids = Files.createDirectories(tmp.resolve("pids"));
		server.enqueue(job(4, repo, "sleep 300 & echo $! > " + pids + "/bg; (echo $BASHPID > " + pids
				+ "/fg; exec sleep 300)"));
		await(() -> Files.exists(pids.resolve("bg")) && Files.exists(pids.resolve("fg")), WAIT, "pid files");
		long background = pid(pids.resolve("bg"));
		long foreground = pid(pids.resolve("fg"));
		assertThat(ProcessGroup.running(background)).isTrue();
		assertThat(ProcessGroup.running(foreground)).isTrue();

		server.cancel(4);
		Finish finish = server.awaitFinish(4, WAIT);

		assertThat(finish).isEqualTo(new Finish("canceled", "canceled", null));
		assertThat(ProcessGroup.running(background)).isFalse();
		assertThat(ProcessGroup.running(foreground)).isFalse();
	}

	@Test
	void aStepWhoseOutputRunsAwayIsStoppedBeforeItFillsTheDisk() throws Exception {
		startAgent(fastAgent(server, workDir()).withMaxOutputBytes(1L << 20));
		Path pid = tmp.resolve("yes.pid");
		server.enqueue(job(1, repo, "echo before", "(echo $BASHPID > " + pid + "; exec yes 'a runaway test loop')",
				"echo never"));

		Finish finish = server.awaitFinish(1, WAIT);

		assertThat(finish.result()).isEqualTo("failed");
		assertThat(finish.reason()).isEqualTo("step 2 wrote more than 1 MiB of output: stopped before it fills the host's disk");
		assertThat(server.log(1)).startsWith("$ echo before\nbefore\n").doesNotContain("$ echo never")
			.endsWith("step 2 wrote more than 1 MiB of output: stopped before it fills the host's disk\n");
		assertThat(ProcessGroup.running(pid(pid))).as("the runaway process is killed").isFalse();
	}

	@Test
	void timeoutKillsGroupAndReportsTimedOut() throws Exception {
		startAgent(fastAgent(server, workDir()));
		Path pids = Files.createDirectories(tmp.resolve("pids"));
		server.enqueue(withTimeout(job(5, repo, "true", "sleep 300 & echo $! > " + pids + "/bg; sleep 300"), 2));

		Finish finish = server.awaitFinish(5, WAIT);

		assertThat(finish).isEqualTo(new Finish("timed_out", "timed out after 2s in step 2", null));
		assertThat(ProcessGroup.running(pid(pids.resolve("bg")))).isFalse();
		assertThat(server.log(5)).endsWith("timed out after 2s in step 2\n");
	}

	@Test
	void uploadsArtifactsAndJunitFilesMatchingGlobs() throws Exception {
		startAgent(fastAgent(server, workDir()));
		server.maxUploadBytes(1000);
		String makeFiles = String.join("; ", "mkdir -p out/sub target", "echo a > out/a.log",
				"echo b > 'out/sub/with space.log'", "head -c 2000 /dev/zero > out/big.log", "echo c > top.log",
				"echo '<testsuite/>' > target/TEST-x.xml", "echo secret > ../secret.log",
				"ln -s ../secret.log out/link.log", "ln -s .. out/up");
		server.enqueue(withFiles(job(6, repo, makeFiles),
				List.of("**/*.log", "../*.log", "../secret.log", "out/up/*.log"), List.of("target/*.xml")));

		Finish finish = server.awaitFinish(6, WAIT);

		assertThat(finish.result()).isEqualTo("passed");
		Map<String, String> uploaded = server.uploads.stream()
			.collect(Collectors.toMap(u -> u.kind() + ":" + u.path(), u -> new String(u.body())));
		assertThat(uploaded).containsOnly(Map.entry("artifact:out/a.log", "a\n"),
				Map.entry("artifact:out/sub/with space.log", "b\n"), Map.entry("artifact:top.log", "c\n"),
				Map.entry("junit:target/TEST-x.xml", "<testsuite/>\n"));
		assertThat(server.log(6)).contains("artifact out/big.log skipped: too large\n");
	}

	@Test
	void uploadsTakingLongerThanTheLeaseKeepItAndTheAttemptPasses() throws Exception {
		startAgent(fastAgent(server, workDir()));
		// Three files at 1.5 s each over a "slow uplink": 4.5 s of uploads against a 3 s lease, heartbeats every 1 s.
		server.lease(Duration.ofSeconds(3));
		server.delayUploads(Duration.ofMillis(1500));
		server.enqueue(withFiles(job(13, repo, "echo a > a.log; echo b > b.log; echo c > c.log"), List.of("*.log"),
				List.of()));

		Finish finish = server.awaitFinish(13, WAIT);

		assertThat(finish).isEqualTo(new Finish("passed", "", 0));
		assertThat(server.uploads).extracting(FakeSnplabServer.Upload::path).containsExactly("a.log", "b.log", "c.log");
	}

	@Test
	void environmentHasJobAndSlotVariables() throws Exception {
		startAgent(fastAgent(server, workDir()).withSlots(2));
		String printEnv = "sleep 1; env | grep -E '^(SNPLAB_|FOO=)' | sort";
		server.enqueue(withEnv(job(7, repo, printEnv), Map.of("FOO", "bar")));
		server.enqueue(withEnv(job(8, repo, printEnv), Map.of("FOO", "baz")));

		server.awaitFinish(7, WAIT);
		server.awaitFinish(8, WAIT);

		int slot7 = server.slotOfJob.get(7L);
		int slot8 = server.slotOfJob.get(8L);
		assertThat(slot7).isNotEqualTo(slot8);
		assertThat(server.log(7)).contains("FOO=bar\n", "SNPLAB_JOB_ID=7\n", "SNPLAB_COMMIT=" + repo.commit() + "\n",
				"SNPLAB_SLOT=" + slot7 + "\n", "SNPLAB_VSOCK_CID=" + (100 + slot7) + "\n",
				"SNPLAB_VSOCK_PORT=" + (10000 + slot7) + "\n",
				"SNPLAB_WORKSPACE=" + workDir().toAbsolutePath().resolve("slot-" + slot7 + "/job-7-1") + "\n");
		assertThat(server.log(8)).contains("FOO=baz\n", "SNPLAB_JOB_ID=8\n", "SNPLAB_SLOT=" + slot8 + "\n",
				"SNPLAB_VSOCK_CID=" + (100 + slot8) + "\n", "SNPLAB_VSOCK_PORT=" + (10000 + slot8) + "\n");
	}

	@Test
	void stoppingTheAgentReportsRunningJobCanceled() throws Exception {
		startAgent(fastAgent(server, workDir()));
		Path pids = Files.createDirectories(tmp.resolve("pids"));
		server.enqueue(job(9, repo, "echo $$ > " + pids + "/sh; sleep 300"));
		await(() -> Files.exists(pids.resolve("sh")), WAIT, "step to start");

		agent.stop();

		assertThat(server.finishes.get(9L)).isEqualTo(new Finish("canceled", "agent stopped", null));
		assertThat(ProcessGroup.running(pid(pids.resolve("sh")))).isFalse();
	}

	@Test
	void lostLeaseKillsStepsAndNeverFinishes() throws Exception {
		startAgent(fastAgent(server, workDir()));
		Path pids = Files.createDirectories(tmp.resolve("pids"));
		server.enqueue(job(11, repo, "sleep 300 & echo $! > " + pids + "/bg; sleep 300"));
		long background = pid(pids.resolve("bg"));

		server.loseLease(11);

		await(() -> !ProcessGroup.running(background), WAIT, "group killed");
		server.enqueue(job(12, repo, "true"));
		server.awaitFinish(12, WAIT);
		assertThat(server.finishes).doesNotContainKey(11L);
	}

	@Test
	void aSecondSigtermStopsTheDrainAndReportsTheRunningJobCanceled() throws Exception {
		Path pids = Files.createDirectories(tmp.resolve("pids"));
		server.enqueue(job(13, repo, "echo $$ > " + pids + "/sh; sleep 300"));
		Process child = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-cp", System.getProperty("java.class.path"), "org.snplab.SnplabApplication", "agent", "--server",
				server.url().toString(), "--token", FakeSnplabServer.REGISTRATION_TOKEN, "--work-dir",
				workDir().toString(), "--name", "child", "--kill-grace", "2"))
			.redirectErrorStream(true)
			.redirectOutput(tmp.resolve("agent.out").toFile())
			.start();
		try {
			long shell = pid(pids.resolve("sh"));

			child.destroy(); // SIGTERM: drains, the job keeps running
			await(() -> {
				try {
					return Files.readString(tmp.resolve("agent.out")).contains("SIGTERM: finishing the running jobs");
				}
				catch (java.io.IOException e) {
					return false;
				}
			}, WAIT, "the agent to start draining");
			assertThat(ProcessGroup.running(shell)).isTrue();
			child.destroy(); // SIGTERM again: cancels

			assertThat(child.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
			assertThat(server.finishes.get(13L)).isEqualTo(new Finish("canceled", "agent stopped", null));
			assertThat(ProcessGroup.running(shell)).isFalse();
		}
		finally {
			child.destroyForcibly();
		}
	}

	private static long pid(Path file) throws Exception {
		await(() -> {
			try {
				return !Files.readString(file).isBlank();
			}
			catch (Exception e) {
				return false;
			}
		}, WAIT, file.toString());
		return Long.parseLong(Files.readString(file).trim());
	}
}
