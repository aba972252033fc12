package org.snplab.endtoend;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.pipeline.PipelineParser;
import org.snplab.queue.RunService;
import org.snplab.support.AgentProcess;
import org.snplab.support.Eventually;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import org.snplab.support.TestRepositories;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real server scopes a run's caches and a real agent process keeps them: an untrusted pull request restores
 * what a protected push saved, but what it changes or saves never reaches the protected branch's next job.
 */
class CacheScopeEndToEndIntegrationTests extends ServerIntegrationTest {

	private static final String PIPELINE = """
			jobs:
			  build:
			    cache:
			      - { key: qemu, paths: [ out ] }
			      - { key: igvm, paths: [ bin ] }
			    steps:
			      - "test -e out/qemu || { mkdir -p out; echo %s > out/qemu; }"
			      - "cat out/qemu"
			      - "%s"
			""";

	@TempDir
	Path temp;

	@Autowired
	RunService runs;

	@Test
	void anUntrustedPullRequestCantPoisonTheProtectedBranchsCache() throws Exception {
		TestRepositories repo = TestRepositories.init(temp.resolve("repo"));
		String sha = repo.commit("svsm", Map.of("README.md", "svsm\n"));
		RunService.Origin mainPush = new RunService.Origin(repo.url(), "main", sha, "push", "protected-push", null, true);
		RunService.Origin fork = new RunService.Origin(repo.url(), "refs/pull/5/head", sha, "pull_request", "pull-request",
				"mallory", false);

		try (AgentProcess agent = AgentProcess.start(baseUrl(), REGISTRATION_TOKEN, temp.resolve("agent"), "genoa-1")) {
			String first = logOf(runs.queue(mainPush, PipelineParser.parse(PIPELINE.formatted("built-by-main", "true"))));
			assertThat(first).contains("cache miss: qemu", "cache saved: qemu (protected scope)");

			String pullRequest = logOf(runs.queue(fork, PipelineParser.parse(PIPELINE.formatted("built-by-fork",
					"echo poisoned > out/qemu; mkdir -p bin; echo poisoned > bin/igvm"))));
			assertThat(pullRequest).contains("cache hit: qemu (protected scope)", "built-by-main",
					"cache saved: igvm (pr-5 scope)").doesNotContain("cache saved: qemu");

			String second = logOf(runs.queue(mainPush, PipelineParser.parse(PIPELINE.formatted("built-by-main",
					"test ! -e bin/igvm"))));
			assertThat(second).contains("cache hit: qemu (protected scope)", "built-by-main", "cache miss: igvm")
				.doesNotContain("poisoned");
		}
	}

	private String logOf(long runId) {
		JsonNode run = Eventually.await(Duration.ofSeconds(90), "run " + runId + " to finish",
				() -> HttpApi.anonymous(baseUrl()).get("/api/runs/" + runId).json(),
				r -> !r.get("state").asString().matches("queued|running|waiting"));
		JsonNode job = run.get("jobs").get(0);
		String log = HttpApi.anonymous(baseUrl()).get("/api/jobs/" + job.get("id").asLong() + "/log").body();
		assertThat(job.get("state").asString()).as(log).isEqualTo("passed");
		return log;
	}
}
