package org.snplab.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.snplab.protocol.AgentProtocol.Job;

/** Named fixtures for agent tests: a fast agent config and jobs. */
public final class TestAgents {

	private TestAgents() {
	}

	/** Short poll wait and kill grace so that stopping and canceling stay quick. */
	public static AgentConfig fastAgent(FakeSnplabServer server, Path workDir) {
		return AgentConfig.of(server.url(), FakeSnplabServer.REGISTRATION_TOKEN, workDir, "test-host")
			.withKillGrace(Duration.ofSeconds(2))
			.withPollWaitSeconds(1);
	}

	public static Job job(long id, GitFixtures.Repo repo, String... steps) {
		return new Job(id, 1, 7, "test", repo.url(), repo.commit(), List.of(steps), Map.of(), 60, List.of(),
				List.of(), 1);
	}

	public static Job withTimeout(Job job, int seconds) {
		return new Job(job.jobId(), job.attempt(), job.runId(), job.name(), job.repository(), job.commit(),
				job.steps(), job.env(), seconds, job.artifacts(), job.junit(), job.heartbeatSeconds());
	}

	public static Job withFiles(Job job, List<String> artifacts, List<String> junit) {
		return new Job(job.jobId(), job.attempt(), job.runId(), job.name(), job.repository(), job.commit(),
				job.steps(), job.env(), job.timeoutSeconds(), artifacts, junit, job.heartbeatSeconds());
	}

	public static Job withEnv(Job job, Map<String, String> env) {
		return new Job(job.jobId(), job.attempt(), job.runId(), job.name(), job.repository(), job.commit(),
				job.steps(), env, job.timeoutSeconds(), job.artifacts(), job.junit(), job.heartbeatSeconds());
	}
}
