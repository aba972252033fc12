package org.snplab.scheduler;

/**
 * A queued job the pass may place.
 *
 * @param requirementSet the {@code requires} block it names; it fits hosts that match it
 * @param priorityClass where it came from: {@code protected-push}, {@code api}, {@code pull-request}, {@code push} or
 * {@code schedule}
 * @param priority its priority within the class (already capped for untrusted authors)
 * @param repository whose lab time it uses, for fair share
 * @param author the pull request's author, for fair share between contributors; null for other jobs
 * @param avoidHost the host that lost its previous attempt, not to be given the retry; null for none
 */
public record Candidate(long jobId, long requirementSet, Resources needs, String priorityClass, int priority,
		String repository, String author, Long avoidHost) {
}
