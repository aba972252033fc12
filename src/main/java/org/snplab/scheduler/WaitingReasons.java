package org.snplab.scheduler;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Why a queued job that some host can run still waits, in the words of its resources. */
public final class WaitingReasons {

	/**
	 * A host the job's requirements match, and what it holds now.
	 *
	 * @param jobs its assigned and running jobs
	 */
	public record Load(String name, Resources capacity, Resources inUse, int slots, int jobs) {

		Resources free() {
			return capacity.minus(inUse);
		}

		boolean hasRoomFor(Resources needs) {
			return jobs < slots && needs.fitsIn(free());
		}
	}

	private WaitingReasons() {
	}

	/** A host's capacity in the dimensions the job asks for: {@code 60 GiB}, {@code 8 cpus} or both. */
	private static String inTermsOf(Resources needs, Resources capacity) {
		if (needs.cpus() == 0) {
			return new Resources(capacity.memoryMb(), 0).toString();
		}
		if (needs.memoryMb() == 0) {
			return capacity.cpus() == Integer.MAX_VALUE ? "unlimited cpus" : capacity.cpus() + " cpus";
		}
		return capacity.toString();
	}

	/**
	 * {@code no host has 64 GiB free; the largest has 60 GiB} when no host could ever take it, {@code waiting for
	 * 8 GiB on milan-1 (2 jobs running)} when the best host is full, {@code waiting for a free slot on ...} when
	 * slots are the limit; empty when a host has room for it now (it waits for its turn or for an agent to poll).
	 */
	public static Optional<String> of(Resources needs, List<Load> matching) {
		if (matching.isEmpty() || matching.stream().anyMatch(h -> h.hasRoomFor(needs))) {
			return Optional.empty();
		}
		List<Load> big = matching.stream().filter(h -> needs.fitsIn(h.capacity())).toList();
		if (big.isEmpty()) {
			Load largest = matching.stream().max(Comparator.comparingLong((Load h) -> h.capacity().memoryMb())
				.thenComparingInt(h -> h.capacity().cpus())).orElseThrow();
			return Optional.of("no host has " + needs + " free; the largest has " + inTermsOf(needs, largest.capacity()));
		}
		Optional<Load> memoryBound = big.stream().filter(h -> h.jobs() < h.slots())
			.max(Comparator.comparingLong((Load h) -> h.free().memoryMb()).thenComparingInt(h -> h.free().cpus()));
		if (memoryBound.isPresent()) {
			Load host = memoryBound.get();
			return Optional.of("waiting for " + needs + " on " + host.name() + " (" + host.jobs() + " job"
					+ (host.jobs() == 1 ? "" : "s") + " running)");
		}
		return Optional.of("waiting for a free slot on " + big.size() + " matching host(s)");
	}

	/** {@code 2 hosts sharing cpu.generation and snp.firmware}: what a multi-host job waits for. */
	public static String gangHosts(int roles, List<String> same) {
		return roles + " hosts" + (same.isEmpty() ? "" : " sharing " + String.join(" and ", same));
	}

	/** A multi-host job that no hosts of the lab could ever run together, with how many hosts each role matches. */
	static String gangNever(int roles, List<String> same, List<String> matchingPerRole) {
		return "no " + gangHosts(roles, same) + " can run it together (hosts each role matches, in order: "
				+ String.join(", ", matchingPerRole) + ")";
	}

	/** A multi-host job that waits without holding hosts. */
	static String gangWaits(int roles, List<String> same) {
		return "waiting for " + gangHosts(roles, same);
	}

	/** A multi-host job holding these hosts for itself. */
	static String gangHolds(List<String> hosts) {
		return "holding " + String.join(", ", hosts.stream().sorted().toList()) + " while their running jobs end";
	}

	/** {@code waited 15m for 2 hosts sharing cpu.generation; released them to other work}. */
	public static String gangReleased(String waited, int roles, List<String> same) {
		return "waited " + waited + " for " + gangHosts(roles, same) + "; released them to other work";
	}
}
