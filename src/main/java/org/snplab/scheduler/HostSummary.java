package org.snplab.scheduler;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A host as the scheduling pass sees it.
 *
 * @param matches the requirement sets the host satisfies
 * @param capacity what jobs may use of it in all (its probed or declared memory and cpus, less the host's reserve)
 * @param inUse what its assigned and running jobs hold
 * @param slots the most jobs it runs at once ({@code --slots})
 * @param jobs how many jobs it has now
 * @param readySlots slots whose agent is asking for work right now (a parked or arriving poll) and that run nothing
 * @param lastStarted when it was last given a job; the host idle longest is chosen first
 */
public record HostSummary(long id, String name, Set<Long> matches, Resources capacity, Resources inUse, int slots,
		int jobs, List<Integer> readySlots, Instant lastStarted) {

	public HostSummary {
		matches = Set.copyOf(matches);
		readySlots = List.copyOf(readySlots);
	}

	public Resources free() {
		return capacity.minus(inUse);
	}
}
