package org.snplab.scheduler;

import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * A multi-host job waiting to be placed: each role goes to a host of its own, all of the hosts sharing the
 * {@code same} facts, and all roles are placed in one pass or none is. It takes its turn among the single jobs by
 * the policy order of its first role (its roles share class, priority, repository and author).
 *
 * @param key which gang (its run and job), as the pass names it
 * @param roles one candidate per role
 * @param same facts all of its hosts must share, e.g. {@code cpu.generation}
 * @param held the hosts it holds since an earlier pass: they take no other job while it waits for them; empty for none
 * @param mayHold whether it may hold hosts when it doesn't fit now (not for a while after a hold ran out)
 */
public record Gang(String key, List<Candidate> roles, List<String> same, Set<Long> held, boolean mayHold) {

	public Gang {
		if (roles.isEmpty()) {
			throw new IllegalArgumentException("gang " + key + " has no roles");
		}
		roles = List.copyOf(roles);
		same = List.copyOf(same);
		held = Set.copyOf(held);
	}

	/** The role that stands for the gang in the policy order: its oldest. */
	public Candidate first() {
		return roles.stream().min(Comparator.comparingLong(Candidate::jobId)).orElseThrow();
	}
}
