package org.snplab.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Request and response bodies of the agent protocol ({@code /api/agent/...}), used by the server and the agent
 * alike; field names are the JSON names. A field an older agent or server doesn't send arrives as null: the records
 * that both sides build say what that means.
 */
public final class AgentProtocol {

	private AgentProtocol() {
	}

	/**
	 * {@code POST /api/agent/register}, with the registration token.
	 *
	 * @param slots the most jobs at once; null: 1
	 * @param address where the other hosts of a multi-host job reach this one ({@code --address}); null: not said
	 */
	public record RegisterRequest(String name, Integer slots, Map<String, String> labels, Map<String, String> facts,
			String address) {

		public RegisterRequest(String name, int slots, Map<String, String> labels, Map<String, String> facts) {
			this(name, slots, labels, facts, null);
		}
	}

	/** The host's id and credential (shown once), and how often the agent beats. */
	public record RegisterResponse(long hostId, String credential, long heartbeatSeconds) {
	}

	/**
	 * {@code POST /api/agent/heartbeat}: the host's facts and labels as probed now, and the jobs it runs.
	 *
	 * @param slots null: unchanged
	 */
	public record HostHeartbeat(Map<String, String> facts, Map<String, String> labels, Integer slots, List<Long> running,
			String address) {
	}

	/** The host's state as the server sees it ({@code active}, {@code draining}, ...). */
	public record HostHeartbeatResponse(String state, long heartbeatSeconds) {
	}

	/** {@code POST /api/agent/poll}: a job for this slot, waiting up to {@code waitSeconds} (the server caps it). */
	public record PollRequest(int slot, long waitSeconds) {
	}

	/**
	 * A job to run, the poll's answer. {@code submodules} is the pipeline's {@code checkout.submodules};
	 * {@code gitRewrites} the lab's {@code snplab.git.url-rewrites} ({@code FROM=TO}); {@code caches} the pipeline's
	 * {@code cache:}, and {@code cacheScope} the host-local scope they are saved into (reads fall back to the
	 * protected scope), null: restore only, never save.
	 */
	public record Job(long jobId, int attempt, long runId, String name, String repository, String commit,
			List<String> steps, Map<String, String> env, long timeoutSeconds, List<String> artifacts,
			List<String> junit, long heartbeatSeconds, String submodules, List<String> gitRewrites, List<Cache> caches,
			String cacheScope) {

		/** A job from a server that says nothing of caches (older than them). */
		public Job(long jobId, int attempt, long runId, String name, String repository, String commit,
				List<String> steps, Map<String, String> env, long timeoutSeconds, List<String> artifacts,
				List<String> junit, long heartbeatSeconds, String submodules, List<String> gitRewrites) {
			this(jobId, attempt, runId, name, repository, commit, steps, env, timeoutSeconds, artifacts, junit,
					heartbeatSeconds, submodules, gitRewrites, null, null);
		}

		/** A job from a server that says nothing of submodules or rewrites (older than them). */
		public Job(long jobId, int attempt, long runId, String name, String repository, String commit,
				List<String> steps, Map<String, String> env, long timeoutSeconds, List<String> artifacts,
				List<String> junit, long heartbeatSeconds) {
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

		/** The same job with another environment (a multi-host job's role is told its gang). */
		public Job withEnv(Map<String, String> env) {
			return new Job(jobId, attempt, runId, name, repository, commit, steps, env, timeoutSeconds, artifacts, junit,
					heartbeatSeconds, submodules, gitRewrites, caches, cacheScope);
		}
	}

	/** One entry of the pipeline's {@code cache:}: the key as written and the workspace paths it keeps. */
	public record Cache(String key, List<String> paths) {

		public Cache {
			paths = paths == null ? List.of() : paths;
		}
	}

	/** The answer to a job's heartbeat: whether the agent must cancel it. */
	public record JobHeartbeatResponse(boolean cancel) {
	}

	/** {@code POST /api/agent/jobs/{id}/send?attempt=N}: a step's {@code snplab-send KEY VALUE}. */
	public record RendezvousSend(String key, String value) {
	}

	/**
	 * {@code POST /api/agent/jobs/{id}/wait?attempt=N}: a step's {@code snplab-wait ROLE KEY}.
	 *
	 * @param waitSeconds how long to wait for the message, at most 25; null: 25
	 */
	public record RendezvousWait(String role, String key, Long waitSeconds) {
	}

	/** What a role of the gang sent under a key: the answer to a wait. */
	public record RendezvousValue(String value) {
	}

	/**
	 * {@code POST /api/agent/jobs/{id}/finish?attempt=N}: how an attempt ended, with its log's sections (checkout,
	 * cache, each step) in order.
	 *
	 * @param workspace where the attempt ran on the host (kept and shown when a hold-on-failure holds the host)
	 * @param sections absent from agents older than them
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
