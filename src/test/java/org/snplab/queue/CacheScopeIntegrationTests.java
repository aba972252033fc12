package org.snplab.queue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.snplab.hosts.Host;
import org.snplab.hosts.HostRegistry;
import org.snplab.pipeline.CacheSpec;
import org.snplab.pipeline.JobSpec;
import org.snplab.pipeline.Requirements;
import org.snplab.protocol.AgentProtocol;
import org.snplab.support.ServerIntegrationTest;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server tells the agent which host-local cache scope a job saves into: protected-branch pushes and scheduled
 * runs share the protected scope, every pull request (trusted or not) and other ref has its own.
 */
class CacheScopeIntegrationTests extends ServerIntegrationTest {

	private static final List<CacheSpec> QEMU = List.of(new CacheSpec("qemu-${QEMU_SHA}", List.of("citests/qemu")));

	@Autowired
	RunService runs;

	@Autowired
	JobQueue queue;

	@Autowired
	HostRegistry hosts;

	@Test
	void aProtectedPushSavesIntoTheProtectedScopeAndAnUntrustedPullRequestIntoItsOwn() {
		Host host = hosts.find(hosts.register(REGISTRATION_TOKEN, "runner", 1, Map.of(), Map.of()).hostId()).orElseThrow();

		assertThat(claimedScope(host, origin("main", "push", "protected-push", null, true))).isEqualTo("protected");
		assertThat(claimedScope(host, origin("refs/pull/12/head", "pull_request", "pull-request", "mallory", false)))
			.isEqualTo("pr-12");
		assertThat(claimedScope(host, origin("refs/pull/13/head", "pull_request", "pull-request", "alice", true)))
			.isEqualTo("pr-13");
		assertThat(claimedScope(host, origin("feature/x", "push", "push", null, true))).isEqualTo("ref-feature_x");
		assertThat(claimedScope(host, new RunService.Origin("file:///repo", "main", "a".repeat(40), "schedule")))
			.isEqualTo("protected");
	}

	@Test
	void theAgentGetsTheCachesAsWritten() {
		Host host = hosts.find(hosts.register(REGISTRATION_TOKEN, "runner", 1, Map.of(), Map.of()).hostId()).orElseThrow();
		runs.queue(origin("main", "push", "protected-push", null, true), Pipelines.of(cachingJob()));

		AgentProtocol.Job job = queue.claim(host, 0).orElseThrow();

		assertThat(job.caches()).containsExactly(new AgentProtocol.Cache("qemu-${QEMU_SHA}", List.of("citests/qemu")));
	}

	private String claimedScope(Host host, RunService.Origin origin) {
		runs.queue(origin, Pipelines.of(cachingJob()));
		AgentProtocol.Job job = queue.claim(host, 0).orElseThrow();
		queue.finish(job.jobId(), job.attempt(), host, JobResult.PASSED, null, 0);
		return job.cacheScope();
	}

	private static RunService.Origin origin(String ref, String trigger, String priorityClass, String author, boolean trusted) {
		return new RunService.Origin("file:///repo", ref, "a".repeat(40), trigger, priorityClass, author, trusted);
	}

	private static JobSpec cachingJob() {
		return new JobSpec("build", Requirements.none(), Duration.ofMinutes(5), 0, Map.of(), List.of("make"), List.of(),
				List.of(), null, null, true, "true", QEMU);
	}
}
