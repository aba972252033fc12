package org.snplab.pipeline;

import java.util.List;

/**
 * When a pipeline runs. A {@code null} {@link #push()} means pushes do not trigger it, a
 * {@code null} {@link #pullRequest()} means pull requests do not; {@link #schedules()} are Quartz
 * cron expressions (with seconds, e.g. {@code 0 0 3 * * ?}).
 */
public record Triggers(Push push, PullRequest pullRequest, List<String> schedules) {

	public Triggers {
		schedules = schedules == null ? List.of() : List.copyOf(schedules);
	}

	/** What a {@code .snplab.yml} without {@code on:} means: pushes to any branch and all pull requests. */
	static Triggers defaults() {
		return new Triggers(new Push(List.of(), List.of()), new PullRequest(List.of(), false), List.of());
	}

	/**
	 * Pushes trigger the pipeline.
	 *
	 * @param branches glob patterns of branch names; empty = every branch
	 * @param tags glob patterns of tag names; empty = no tag
	 */
	public record Push(List<String> branches, List<String> tags) {

		public Push {
			branches = branches == null ? List.of() : List.copyOf(branches);
			tags = tags == null ? List.of() : List.copyOf(tags);
		}

		/** Whether a push to branch {@code b} (short name, e.g. {@code main}) triggers. */
		public boolean matchesBranch(String b) {
			return b != null && (branches.isEmpty() || branches.stream().anyMatch(g -> Globs.matches(g, b)));
		}

		/** Whether pushing tag {@code t} (short name, e.g. {@code v1.2}) triggers. */
		public boolean matchesTag(String t) {
			return t != null && tags.stream().anyMatch(g -> Globs.matches(g, t));
		}
	}

	/**
	 * Pull requests trigger the pipeline.
	 *
	 * @param branches glob patterns of the target (base) branch; empty = every branch
	 * @param drafts whether draft pull requests trigger too
	 */
	public record PullRequest(List<String> branches, boolean drafts) {

		public PullRequest {
			branches = branches == null ? List.of() : List.copyOf(branches);
		}

		/** Whether a pull request into base branch {@code b} triggers. */
		public boolean matchesBase(String b) {
			return b != null && (branches.isEmpty() || branches.stream().anyMatch(g -> Globs.matches(g, b)));
		}
	}
}
