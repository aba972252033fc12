package org.snplab.scheduler;

import java.time.Instant;
import java.util.List;
import java.util.Map;
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
 * @param facts what it reports, for the facts a multi-host job's hosts must share ({@link Gang#same()})
 */
public record HostSummary(long id, String name, Set<Long> matches, Resources capacity, Resources inUse, int slots,
		int jobs, List<Integer> readySlots, Instant lastStarted, Map<String, String> facts) {

	public HostSummary {
		matches = Set.copyOf(matches);
		readySlots = List.copyOf(readySlots);
		facts = facts == null ? Map.of() : facts; // not copied: the pass builds a summary of every host each time
	}

	/** A host whose facts no job asks to share. */
	public HostSummary(long id, String name, Set<Long> matches, Resources capacity, Resources inUse, int slots,
			int jobs, List<Integer> readySlots, Instant lastStarted) {
		this(id, name, matches, capacity, inUse, slots, jobs, readySlots, lastStarted, Map.of());
	}

	public Resources free() {
		return capacity.minus(inUse);
	}
}
