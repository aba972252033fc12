package org.snplab.scheduler;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Recent use of the lab in host-seconds, per repository and per pull-request author, already decayed to now. A
 * repository's use counts divided by its weight (default 1): a repository of weight 2 may use twice as much before
 * others go first.
 */
public final class FairShare {

	private final Map<String, Double> repositoryUse;

	private final Map<String, Double> authorUse;

	private final Map<String, Double> weights;

	public FairShare(Map<String, Double> repositoryUse, Map<String, Double> authorUse, Map<String, Double> weights) {
		this.repositoryUse = new HashMap<>(repositoryUse);
		this.authorUse = new HashMap<>(authorUse);
		this.weights = Map.copyOf(weights);
	}

	public static FairShare none() {
		return new FairShare(Map.of(), Map.of(), Map.of());
	}

	/** What {@code hostSeconds} used {@code age} ago count for now: half as much every {@code halfLife}. */
	public static double decayed(double hostSeconds, Duration age, Duration halfLife) {
		if (age.isNegative() || age.isZero()) {
			return hostSeconds;
		}
		return hostSeconds * Math.pow(0.5, (double) age.toMillis() / Math.max(1, halfLife.toMillis()));
	}

	/** The repository's use divided by its weight: lower goes first. */
	public double weightedUseOf(String repository) {
		return repositoryUse.getOrDefault(repository, 0.0) / weightOf(repository);
	}

	public double useOfAuthor(String author) {
		return author == null ? 0 : authorUse.getOrDefault(author, 0.0);
	}

	/**
	 * The weight configured for the repository: by its exact name, or by {@code owner/name} for a clone URL ending
	 * in it ({@code https://github.com/owner/name.git}).
	 */
	public double weightOf(String repository) {
		Double exact = weights.get(repository);
		if (exact != null) {
			return exact > 0 ? exact : 1;
		}
		for (Map.Entry<String, Double> weight : weights.entrySet()) {
			String name = weight.getKey();
			if ((repository.endsWith("/" + name) || repository.endsWith("/" + name + ".git")) && weight.getValue() > 0) {
				return weight.getValue();
			}
		}
		return 1;
	}

	/** Counts a placement made in this pass, so one pass doesn't give everything to whoever was lowest. */
	FairShare charge(Candidate job, double hostSeconds) {
		repositoryUse.merge(job.repository(), hostSeconds, Double::sum);
		if (job.author() != null) {
			authorUse.merge(job.author(), hostSeconds, Double::sum);
		}
		return this;
	}

	FairShare copy() {
		return new FairShare(repositoryUse, authorUse, weights);
	}
}
