package org.snplab.agent.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Request and response bodies of the agent protocol; field names are the JSON names. */
public final class Dtos {

	private Dtos() {
	}

	/** @param address where the other hosts of a multi-host job reach this one ({@code --address}); null: not said */
	public record RegisterRequest(String name, int slots, Map<String, String> labels, Map<String, String> facts,
			String address) {

		public RegisterRequest(String name, int slots, Map<String, String> labels, Map<String, String> facts) {
			this(name, slots, labels, facts, null);
		}
	}

	public record RegisterResponse(long hostId, String credential, int heartbeatSeconds) {
	}

	/** What the agent keeps in WORK_DIR/credential.json. */
	public record Credential(String server, long hostId, String credential) {
	}

	public record HostHeartbeat(Map<String, String> facts, Map<String, String> labels, int slots, List<Long> running,
			String address) {
	}

	public record HostHeartbeatResponse(String state, int heartbeatSeconds) {
	}

	public record PollRequest(int slot, int waitSeconds) {
	}

	/**
	 * A job to run. {@code caches} are the pipeline's {@code cache:}; {@code cacheScope} is the host-local scope they
	 * are saved into (reads fall back to the protected scope), null: restore only, never save.
	 */
	public record Job(long jobId, int attempt, long runId, String name, String repository, String commit,
			List<String> steps, Map<String, String> env, int timeoutSeconds, List<String> artifacts,
			List<String> junit, int heartbeatSeconds, String submodules, List<String> gitRewrites, List<Cache> caches,
			String cacheScope) {

		/** A job from a server that says nothing of caches (older than them). */
		public Job(long jobId, int attempt, long runId, String name, String repository, String commit,
				List<String> steps, Map<String, String> env, int timeoutSeconds, List<String> artifacts,
				List<String> junit, int heartbeatSeconds, String submodules, List<String> gitRewrites) {
			this(jobId, attempt, runId, name, repository, commit, steps, env, timeoutSeconds, artifacts, junit,
					heartbeatSeconds, submodules, gitRewrites, null, null);
		}

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
			caches = caches == null ? List.of() : caches;
		}
	}

	/** One entry of the pipeline's {@code cache:}: the key as written and the workspace paths it keeps. */
	public record Cache(String key, List<String> paths) {

		public Cache {
			paths = paths == null ? List.of() : paths;
		}
	}

	public record JobHeartbeatResponse(boolean cancel) {
	}

	/** What a role of the gang sent under a key. */
	public record RendezvousValue(String value) {
	}

	/**
	 * How an attempt ended, with its log's sections (checkout, cache, each step) in order.
	 *
	 * @param workspace where the attempt ran on the host, shown on a held job's page
	 */
	public record Finish(String result, String reason, Integer exitCode, String workspace, List<Section> sections) {

		/** An attempt that reports no sections. */
		public Finish(String result, String reason, Integer exitCode) {
			this(result, reason, exitCode, null, null);
		}

		public Finish(String result, String reason, Integer exitCode, String workspace) {
			this(result, reason, exitCode, workspace, null);
		}

		public Finish(String result, String reason, Integer exitCode, List<Section> sections) {
			this(result, reason, exitCode, null, sections);
		}

		public Finish {
			sections = sections == null ? List.of() : sections;
		}
	}

	/**
	 * A part of the log: {@code kind} checkout, cache or step; when it started and ended; a step's exit code (null
	 * when it didn't exit by itself); whether it failed; and the byte of the log it starts at.
	 */
	public record Section(String kind, String name, Instant startedAt, Instant finishedAt, Integer exitCode,
			boolean failed, long logOffset) {
	}
}
