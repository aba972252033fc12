package org.snplab.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.snplab.agent.TestAgents.fastAgent;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.protocol.AgentProtocol.Cache;
import org.snplab.protocol.AgentProtocol.Finish;
import org.snplab.protocol.AgentProtocol.Job;

/**
 * The host-local caches of a job's {@code cache:}, run by a real agent against {@link FakeSnplabServer} on a real
 * checkout: restored before the steps, saved after passing ones, bounded, and scoped so a pull request reads the
 * protected branches' caches but never writes them.
 */
class JobCachesIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	/** Builds out/built only when it isn't there: a hit skips the build, as a restored QEMU does. */
	private static final String BUILD = "test -e out/built || { mkdir -p out; echo \"built by $SNPLAB_JOB_ID\" > out/built; }";

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

	@Test
	void aMissIsSavedAfterThePassingJobAndTheNextJobHitsIt() throws Exception {
		startAgent(fastAgent(server, tmp.resolve("work")));
		Cache cache = new Cache("qemu-${QEMU_SHA}-${hashFiles('README.md')}", List.of("out"));
		String key = "qemu-abc123-" + sha256("README.md\0snplab test repository\n");

		run(job(1, List.of(cache), "protected", Map.of("QEMU_SHA", "abc123"), BUILD));
		assertThat(server.log(1)).contains("cache miss: " + key + "\n", "cache saved: " + key + " (protected scope), 11 B\n");

		run(job(2, List.of(cache), "protected", Map.of("QEMU_SHA", "abc123"), BUILD, "cat out/built"));
		assertThat(server.log(2)).contains("cache hit: " + key + " (protected scope), 11 B restored\n", "built by 1\n")
			.doesNotContain("cache saved");

		run(job(3, List.of(cache), "protected", Map.of("QEMU_SHA", "def456"), BUILD, "cat out/built"));
		assertThat(server.log(3)).as("another QEMU commit, another key").contains("cache miss: qemu-def456-", "built by 3\n");
	}

	@Test
	void aFailedJobSavesNothing() throws Exception {
		startAgent(fastAgent(server, tmp.resolve("work")));
		List<Cache> caches = List.of(new Cache("build", List.of("out")));

		assertThat(finish(job(1, caches, "protected", Map.of(), BUILD, "exit 1"))).isEqualTo(
				new Finish("failed", "step 2 exited 1", 1));
		assertThat(server.log(1)).contains("cache not saved: the job didn't pass (build)\n");

		run(job(2, caches, "protected", Map.of(), BUILD, "cat out/built"));
		assertThat(server.log(2)).contains("cache miss: build\n", "built by 2\n");
	}

	@Test
	void theLeastRecentlyUsedIsEvictedBeyondTheHostsBound() throws Exception {
		startAgent(fastAgent(server, tmp.resolve("work")).withCacheMaxBytes(1500));
		String kilobyte = "mkdir -p out; head -c 1000 /dev/zero > out/blob";

		run(job(1, List.of(new Cache("a", List.of("out"))), "protected", Map.of(), kilobyte));
		run(job(2, List.of(new Cache("b", List.of("out"))), "protected", Map.of(), kilobyte));
		assertThat(server.log(2)).contains("cache saved: b (protected scope), 1000 B\n",
				"cache evicted: a (1000 B, least recently used; this host keeps 1.5 KiB)\n");

		run(job(3, List.of(new Cache("b", List.of("out"))), "protected", Map.of(), "test -s out/blob"));
		assertThat(server.log(3)).contains("cache hit: b ");
		run(job(4, List.of(new Cache("a", List.of("out"))), "protected", Map.of(), "test ! -e out/blob"));
		assertThat(server.log(4)).contains("cache miss: a\n");
	}

	@Test
	void anUntrustedPullRequestReadsTheProtectedScopeButCantOverwriteIt() throws Exception {
		startAgent(fastAgent(server, tmp.resolve("work")));
		List<Cache> qemu = List.of(new Cache("qemu", List.of("out")));
		List<Cache> other = List.of(new Cache("other", List.of("out")));
		String poison = "mkdir -p out; echo poisoned > out/built";

		run(job(1, qemu, "protected", Map.of(), BUILD));
		// The fork restores main's build, changes it, passes: its change is never saved over main's.
		run(job(2, qemu, "pr-7", Map.of(), BUILD, "cat out/built", poison));
		assertThat(server.log(2)).contains("cache hit: qemu (protected scope)", "built by 1\n").doesNotContain("cache saved");
		// A key main hasn't saved yet goes into the pull request's own scope, not the protected one.
		run(job(3, other, "pr-7", Map.of(), poison));
		assertThat(server.log(3)).contains("cache saved: other (pr-7 scope)");

		run(job(4, qemu, "protected", Map.of(), "cat out/built"));
		assertThat(server.log(4)).contains("built by 1\n").doesNotContain("poisoned");
		run(job(5, other, "protected", Map.of(), BUILD, "cat out/built"));
		assertThat(server.log(5)).contains("cache miss: other\n", "built by 5\n").doesNotContain("poisoned");
		run(job(6, other, "pr-7", Map.of(), "cat out/built"));
		assertThat(server.log(6)).as("the pull request's own scope comes first for it")
			.contains("cache hit: other (pr-7 scope)", "poisoned\n");
	}

	private void startAgent(AgentConfig config) throws Exception {
		agent = new Agent(config);
		assertThat(agent.start()).isZero();
	}

	private void run(Job job) {
		assertThat(finish(job)).as(server.log(job.jobId())).isEqualTo(new Finish("passed", "", 0));
	}

	private Finish finish(Job job) {
		server.enqueue(job);
		return server.awaitFinish(job.jobId(), WAIT);
	}

	private Job job(long id, List<Cache> caches, String scope, Map<String, String> env, String... steps) {
		return new Job(id, 1, 7, "test", repo.url(), repo.commit(), List.of(steps), env, 60, List.of(), List.of(), 1,
				"true", List.of(), caches, scope);
	}

	private static String sha256(String text) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
	}
}
