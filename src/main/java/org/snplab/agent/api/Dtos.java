package org.snplab.agent.api;

import java.util.List;
import java.util.Map;

/** Request and response bodies of the agent protocol; field names are the JSON names. */
public final class Dtos {

	private Dtos() {
	}

	public record RegisterRequest(String name, int slots, Map<String, String> labels, Map<String, String> facts) {
	}

	public record RegisterResponse(long hostId, String credential, int heartbeatSeconds) {
	}

	/** What the agent keeps in WORK_DIR/credential.json. */
	public record Credential(String server, long hostId, String credential) {
	}

	public record HostHeartbeat(Map<String, String> facts, Map<String, String> labels, int slots, List<Long> running) {
	}

	public record HostHeartbeatResponse(String state, int heartbeatSeconds) {
	}

	public record PollRequest(int slot, int waitSeconds) {
	}

	public record Job(long jobId, int attempt, long runId, String name, String repository, String commit,
			List<String> steps, Map<String, String> env, int timeoutSeconds, List<String> artifacts,
			List<String> junit, int heartbeatSeconds, String submodules, List<String> gitRewrites) {

		/** A job from a server that says nothing of submodules or rewrites (older than them). */
		public Job(long jobId, int attempt, long runId, String name, String repository, String commit,
				List<String> steps, Map<String, String> env, int timeoutSeconds, List<String> artifacts,
				List<String> junit, int heartbeatSeconds) {
			this(jobId, attempt, runId, name, repository, commit, steps, env, timeoutSeconds, artifacts, junit,
					heartbeatSeconds, null, null);
		}

		public Job {
			steps = steps == null ? List.of() : steps;
			env = env == null ? Map.of() : env;
			artifacts = artifacts == null ? List.of() : artifacts;
			junit = junit == null ? List.of() : junit;
			submodules = submodules == null ? "true" : submodules;
			gitRewrites = gitRewrites == null ? List.of() : gitRewrites;
		}
	}

	public record JobHeartbeatResponse(boolean cancel) {
	}

	public record Finish(String result, String reason, Integer exitCode) {
	}
}
