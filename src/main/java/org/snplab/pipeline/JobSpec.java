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
 */
public record JobSpec(String name, Requirements requires, Duration timeout, int priority, Map<String, String> env,
		List<String> steps, List<String> artifacts, List<String> junit, Long memoryMb, Integer cpus,
		boolean failOnTestFailure, String submodules) {

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
	}
}
