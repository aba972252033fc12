package org.snplab.pipeline;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One job of a pipeline.
 *
 * @param name the job's name (its key under {@code jobs:})
 * @param requires what a host must offer to run it
 * @param timeout how long the job may run before it is killed
 * @param priority 0..1000, higher runs first
 * @param env extra environment variables, in file order
 * @param steps shell commands run in order; the first failing one fails the job
 * @param artifacts globs, relative to the checkout, of files kept after the job
 * @param junit globs, relative to the checkout, of JUnit XML reports
 * @param memoryMb the memory the job holds on its host while it runs ({@code resources.memory}), null: the lab's default
 * @param cpus the cpus it holds ({@code resources.cpus}), null: the lab's default
 * @param failOnTestFailure whether failed or errored tests in its JUnit reports fail a job whose steps passed
 *        ({@code reports.fail-on-test-failure}, default true)
 * @param submodules {@code checkout.submodules}: {@code true} (the default: those of the repository, when it has a
 *        {@code .gitmodules}), {@code recursive} (theirs too) or {@code false}
 * @param caches {@code cache:}: paths kept on the host under a key and restored into later jobs' workspaces
 * @param holdOnFailure {@code hold-on-failure}: when the job fails (or times out), its host is reserved this long for
 *        whoever triggered the run, its workspace kept; null: not held
 * @param gang for one role of a multi-host job ({@code roles:}), the job it is a role of; null for a job of one host
 */
public record JobSpec(String name, Requirements requires, Duration timeout, int priority, Map<String, String> env,
		List<String> steps, List<String> artifacts, List<String> junit, Long memoryMb, Integer cpus,
		boolean failOnTestFailure, String submodules, List<CacheSpec> caches, Duration holdOnFailure, Gang gang) {

	/**
	 * The multi-host job a role belongs to: its roles run together, each on a host of its own, all of them placed in
	 * one scheduling pass or none.
	 *
	 * @param name the pipeline job's name ({@code live-migration}); each role is the job {@code <name>/<role>}
	 * @param role this role's name ({@code source})
	 * @param roles every role of the job, in file order
	 * @param same facts all of its hosts must share ({@code same:}, default {@code [cpu.generation]})
	 */
	public record Gang(String name, String role, List<String> roles, List<String> same) {

		public Gang {
			Objects.requireNonNull(name, "name");
			Objects.requireNonNull(role, "role");
			roles = List.copyOf(roles);
			same = List.copyOf(same);
		}
	}

	/** A job of one host. */
	public JobSpec(String name, Requirements requires, Duration timeout, int priority, Map<String, String> env,
			List<String> steps, List<String> artifacts, List<String> junit, Long memoryMb, Integer cpus,
			boolean failOnTestFailure, String submodules, List<CacheSpec> caches, Duration holdOnFailure) {
		this(name, requires, timeout, priority, env, steps, artifacts, junit, memoryMb, cpus, failOnTestFailure,
				submodules, caches, holdOnFailure, null);
	}

	/** A job without caches. */
	public JobSpec(String name, Requirements requires, Duration timeout, int priority, Map<String, String> env,
			List<String> steps, List<String> artifacts, List<String> junit, Long memoryMb, Integer cpus,
			boolean failOnTestFailure, String submodules, Duration holdOnFailure) {
		this(name, requires, timeout, priority, env, steps, artifacts, junit, memoryMb, cpus, failOnTestFailure,
				submodules, List.of(), holdOnFailure);
	}

	/** A job whose host is not held when it fails. */
	public JobSpec(String name, Requirements requires, Duration timeout, int priority, Map<String, String> env,
			List<String> steps, List<String> artifacts, List<String> junit, Long memoryMb, Integer cpus,
			boolean failOnTestFailure, String submodules, List<CacheSpec> caches) {
		this(name, requires, timeout, priority, env, steps, artifacts, junit, memoryMb, cpus, failOnTestFailure,
				submodules, caches, null);
	}

	/** A job without caches whose host is not held when it fails. */
	public JobSpec(String name, Requirements requires, Duration timeout, int priority, Map<String, String> env,
			List<String> steps, List<String> artifacts, List<String> junit, Long memoryMb, Integer cpus,
			boolean failOnTestFailure, String submodules) {
		this(name, requires, timeout, priority, env, steps, artifacts, junit, memoryMb, cpus, failOnTestFailure,
				submodules, List.of(), null);
	}

	/** A job that says nothing about its resources. */
	public JobSpec(String name, Requirements requires, Duration timeout, int priority, Map<String, String> env,
			List<String> steps, List<String> artifacts, List<String> junit) {
		this(name, requires, timeout, priority, env, steps, artifacts, junit, null, null, true, "true");
	}

	/** A job whose failed tests fail it, as by default. */
	public JobSpec(String name, Requirements requires, Duration timeout, int priority, Map<String, String> env,
			List<String> steps, List<String> artifacts, List<String> junit, Long memoryMb, Integer cpus) {
		this(name, requires, timeout, priority, env, steps, artifacts, junit, memoryMb, cpus, true, "true");
	}

	public JobSpec {
		Objects.requireNonNull(name, "name");
		requires = requires == null ? Requirements.none() : requires;
		Objects.requireNonNull(timeout, "timeout");
		env = env == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(env));
		steps = List.copyOf(steps);
		artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
		junit = junit == null ? List.of() : List.copyOf(junit);
		submodules = submodules == null ? "true" : submodules;
		caches = caches == null ? List.of() : List.copyOf(caches);
	}
}
