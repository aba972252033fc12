package org.snplab.agent;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.snplab.agent.api.AgentTls;
import org.snplab.scheduler.Capacities;

/**
 * Everything the agent is told on its command line ({@code runAs} null: steps run as the agent's user). {@code pollWaitSeconds} and {@code probeRoot} have no flag;
 * tests shorten and redirect them.
 */
public record AgentConfig(URI server, String token, Path workDir, String name, int slots, Map<String, String> labels,
		Duration killGrace, int vsockCidBase, int vsockPortBase, long maxOutputBytes, String runAs, int pollWaitSeconds,
		Path probeRoot, Map<String, String> capacity, List<String> gitRewrites, Duration drainTimeout, long cacheMaxBytes, AgentTls tls,
		String address) {

	/** An agent that reports no address of its own ({@code address}: where other hosts reach it, {@code --address}). */
	public AgentConfig(URI server, String token, Path workDir, String name, int slots, Map<String, String> labels,
			Duration killGrace, int vsockCidBase, int vsockPortBase, long maxOutputBytes, String runAs, int pollWaitSeconds,
			Path probeRoot, Map<String, String> capacity, List<String> gitRewrites, Duration drainTimeout, long cacheMaxBytes,
			AgentTls tls) {
		this(server, token, workDir, name, slots, labels, killGrace, vsockCidBase, vsockPortBase, maxOutputBytes, runAs,
				pollWaitSeconds, probeRoot, capacity, gitRewrites, drainTimeout, cacheMaxBytes, tls, null);
	}

	public static final Path DEFAULT_WORK_DIR = Path.of("agent-work");

	/**
	 * Where the agent also takes its registration token from: unlike {@code --token}, the environment isn't shown to
	 * other users by {@code ps}, and steps never inherit it.
	 */
	public static final String TOKEN_VARIABLE = "SNPLAB_REGISTRATION_TOKEN";

	public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(10);

	public static final int DEFAULT_VSOCK_CID_BASE = 100;

	public static final int DEFAULT_VSOCK_PORT_BASE = 10000;

	/** A step that writes more than this (a runaway loop) is stopped before it fills the host's disk. */
	public static final long DEFAULT_MAX_OUTPUT_BYTES = 1L << 30;

	public static final int DEFAULT_POLL_WAIT_SECONDS = 25;

	/**
	 * How long a SIGTERM lets running jobs finish before they are canceled as by a second SIGTERM: the default job
	 * timeout, so a stop (an upgrade, a reboot) never waits on a hung job for ever; the systemd unit's stop timeout
	 * is above it.
	 */
	public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofMinutes(60);

	/** {@code --cache-max-gib 20}: the host's job caches together, least recently used evicted beyond. */
	public static final long DEFAULT_CACHE_MAX_BYTES = 20L << 30;

	public AgentConfig {
		labels = Map.copyOf(labels);
		capacity = capacity == null ? Map.of() : Map.copyOf(capacity);
		gitRewrites = gitRewrites == null ? List.of() : List.copyOf(gitRewrites);
		tls = tls == null ? AgentTls.SYSTEM : tls;
		drainTimeout = drainTimeout == null ? DEFAULT_DRAIN_TIMEOUT : drainTimeout;
	}

	/**
	 * The probed facts with the capacity given by {@code --memory} and {@code --cpus}: the server fills the host by
	 * these instead of by what it probed.
	 */
	public Map<String, String> withCapacity(Map<String, String> probed) {
		if (capacity.isEmpty()) {
			return probed;
		}
		Map<String, String> facts = new java.util.TreeMap<>(probed);
		facts.putAll(capacity);
		return facts;
	}

	/** Defaults for everything but server, token, work dir and name. */
	public static AgentConfig of(URI server, String token, Path workDir, String name) {
		return new AgentConfig(server, token, workDir, name, 1, Map.of(), DEFAULT_KILL_GRACE, DEFAULT_VSOCK_CID_BASE,
				DEFAULT_VSOCK_PORT_BASE, DEFAULT_MAX_OUTPUT_BYTES, null, DEFAULT_POLL_WAIT_SECONDS, Path.of("/"), Map.of(), List.of(),
				DEFAULT_DRAIN_TIMEOUT, DEFAULT_CACHE_MAX_BYTES, AgentTls.SYSTEM);
	}

	public AgentConfig withSlots(int slots) {
		return new AgentConfig(server, token, workDir, name, slots, labels, killGrace, vsockCidBase, vsockPortBase,
				maxOutputBytes, runAs, pollWaitSeconds, probeRoot, capacity, gitRewrites, drainTimeout, cacheMaxBytes, tls, address);
	}

	public AgentConfig withKillGrace(Duration killGrace) {
		return new AgentConfig(server, token, workDir, name, slots, labels, killGrace, vsockCidBase, vsockPortBase,
				maxOutputBytes, runAs, pollWaitSeconds, probeRoot, capacity, gitRewrites, drainTimeout, cacheMaxBytes, tls, address);
	}

	public AgentConfig withPollWaitSeconds(int pollWaitSeconds) {
		return new AgentConfig(server, token, workDir, name, slots, labels, killGrace, vsockCidBase, vsockPortBase,
				maxOutputBytes, runAs, pollWaitSeconds, probeRoot, capacity, gitRewrites, drainTimeout, cacheMaxBytes, tls, address);
	}

	public AgentConfig withMaxOutputBytes(long maxOutputBytes) {
		return new AgentConfig(server, token, workDir, name, slots, labels, killGrace, vsockCidBase, vsockPortBase,
				maxOutputBytes, runAs, pollWaitSeconds, probeRoot, capacity, gitRewrites, drainTimeout, cacheMaxBytes, tls, address);
	}

	public AgentConfig withRunAs(String runAs) {
		return new AgentConfig(server, token, workDir, name, slots, labels, killGrace, vsockCidBase, vsockPortBase,
				maxOutputBytes, runAs, pollWaitSeconds, probeRoot, capacity, gitRewrites, drainTimeout, cacheMaxBytes, tls, address);
	}

	public AgentConfig withCapacity(Long memoryMb, Integer cpus) {
		Map<String, String> declared = new java.util.LinkedHashMap<>();
		if (memoryMb != null) {
			declared.put(Capacities.DECLARED_MEMORY, Long.toString(memoryMb));
		}
		if (cpus != null) {
			declared.put(Capacities.DECLARED_CPUS, Integer.toString(cpus));
		}
		return new AgentConfig(server, token, workDir, name, slots, labels, killGrace, vsockCidBase, vsockPortBase,
				maxOutputBytes, runAs, pollWaitSeconds, probeRoot, declared, gitRewrites, drainTimeout, cacheMaxBytes, tls, address);
	}

	/** {@code --git-rewrite FROM=TO}: this host's own mirrors of repository URLs, before the server's. */
	public AgentConfig withGitRewrites(List<String> gitRewrites) {
		return new AgentConfig(server, token, workDir, name, slots, labels, killGrace, vsockCidBase, vsockPortBase,
				maxOutputBytes, runAs, pollWaitSeconds, probeRoot, capacity, gitRewrites, drainTimeout, cacheMaxBytes, tls, address);
	}

	/** {@code --cache-max-gib}: how much the host's job caches may take together. */
	public AgentConfig withCacheMaxBytes(long cacheMaxBytes) {
		return new AgentConfig(server, token, workDir, name, slots, labels, killGrace, vsockCidBase, vsockPortBase,
				maxOutputBytes, runAs, pollWaitSeconds, probeRoot, capacity, gitRewrites, drainTimeout, cacheMaxBytes, tls, address);
	}

	/** {@code --address}: where the roles of a multi-host job on other hosts reach this one. */
	public AgentConfig withAddress(String address) {
		return new AgentConfig(server, token, workDir, name, slots, labels, killGrace, vsockCidBase, vsockPortBase,
				maxOutputBytes, runAs, pollWaitSeconds, probeRoot, capacity, gitRewrites, drainTimeout, cacheMaxBytes, tls,
				address);
	}

	public Path credentialFile() {
		return workDir.resolve("credential.json");
	}
}
