package org.snplab.scheduler;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which queued job goes to which host, as a pure function of the fleet and the queue, so it can be tested on
 * thousands of generated cases.
 * <p>
 * Jobs go in policy order: priority class (by default pushes to protected branches, then API runs and retries, then
 * pull requests, then other pushes, then scheduled runs), then priority, then fair share (the repository that used
 * the lab least recently, weighted, then the pull-request author who did), then age. Each placement is charged to
 * its repository and author at once, so repositories with waiting work take turns within one pass. A job that fits
 * no host now is passed over (the next one may fit); capacity only shrinks during a pass, so it could not have fit
 * later either. Among the hosts a job fits, it goes to the one given a job longest ago, spreading the work.
 */
public final class SchedulingPolicy {

	public static final List<String> DEFAULT_CLASSES = List.of("protected-push", "api", "pull-request", "push", "schedule");

	private final List<String> classOrder;

	private final double placementCharge;

	/**
	 * @param classOrder priority classes, highest first; a class not listed goes last
	 * @param placementCharge host-seconds a placement counts for in fair share until its use is measured
	 */
	public SchedulingPolicy(List<String> classOrder, double placementCharge) {
		this.classOrder = List.copyOf(classOrder);
		this.placementCharge = placementCharge;
	}

	/** What one pass decided: the placements, and the candidates left waiting, in policy order. */
	public record Plan(List<Placement> placements, List<Candidate> waiting) {
	}

	/** A pull request from an author the project doesn't trust can't ask for more than the cap. */
	public static int effectivePriority(int priority, boolean trusted, int untrustedCap) {
		return trusted ? priority : Math.min(priority, untrustedCap);
	}

	public int rank(String priorityClass) {
		int rank = classOrder.indexOf(priorityClass);
		return rank < 0 ? classOrder.size() : rank;
	}

	public Plan place(List<HostSummary> hosts, List<Candidate> candidates, FairShare use, Instant now) {
		FairShare charged = use.copy();
		OpenHosts open = new OpenHosts(hosts);
		List<Deque<Candidate>> groups = groups(candidates);
		List<Placement> placements = new ArrayList<>();
		List<Candidate> waiting = new ArrayList<>();
		Candidate next;
		while ((next = best(groups, charged)) != null) {
			OpenHost host = open.choose(next);
			if (host == null) {
				waiting.add(next);
				continue;
			}
			placements.add(open.place(host, next, now));
			charged.charge(next, placementCharge);
		}
		return new Plan(placements, waiting);
	}

	/**
	 * Candidates grouped by what fair share can't tell apart (class, repository, author), each group in priority
	 * then age order: the best job overall is always the head of some group.
	 */
	private static List<Deque<Candidate>> groups(List<Candidate> candidates) {
		Map<List<Object>, List<Candidate>> byGroup = new LinkedHashMap<>();
		for (Candidate c : candidates) {
			byGroup.computeIfAbsent(java.util.Arrays.asList(c.priorityClass(), c.repository(), c.author()),
					k -> new ArrayList<>()).add(c);
		}
		Comparator<Candidate> order = Comparator.comparingInt(Candidate::priority).reversed()
			.thenComparingLong(Candidate::jobId);
		List<Deque<Candidate>> groups = new ArrayList<>();
		for (List<Candidate> group : byGroup.values()) {
			group.sort(order);
			groups.add(new ArrayDeque<>(group));
		}
		return groups;
	}

	/** Removes and returns the head that goes first now, or null when every group is empty. */
	private Candidate best(List<Deque<Candidate>> groups, FairShare use) {
		Deque<Candidate> bestGroup = null;
		for (Deque<Candidate> group : groups) {
			if (!group.isEmpty() && (bestGroup == null || before(group.peekFirst(), bestGroup.peekFirst(), use))) {
				bestGroup = group;
			}
		}
		return bestGroup == null ? null : bestGroup.pollFirst();
	}

	/** Whether {@code a} goes before {@code b}: class, priority, fair share, age. */
	boolean before(Candidate a, Candidate b, FairShare use) {
		int byClass = Integer.compare(rank(a.priorityClass()), rank(b.priorityClass()));
		if (byClass != 0) {
			return byClass < 0;
		}
		if (a.priority() != b.priority()) {
			return a.priority() > b.priority();
		}
		int byRepository = Double.compare(use.weightedUseOf(a.repository()), use.weightedUseOf(b.repository()));
		if (byRepository != 0) {
			return byRepository < 0;
		}
		int byAuthor = Double.compare(use.useOfAuthor(a.author()), use.useOfAuthor(b.author()));
		if (byAuthor != 0) {
			return byAuthor < 0;
		}
		return a.jobId() < b.jobId();
	}

	/** A host with room left in this pass. */
	private static final class OpenHost {

		final HostSummary summary;

		final Deque<Integer> readySlots;

		Resources free;

		int jobs;

		Instant lastStarted;

		OpenHost(HostSummary summary) {
			this.summary = summary;
			this.readySlots = new ArrayDeque<>(new TreeSet<>(summary.readySlots()));
			this.free = summary.free();
			this.jobs = summary.jobs();
			this.lastStarted = summary.lastStarted() == null ? Instant.EPOCH : summary.lastStarted();
		}

		boolean open() {
			return !readySlots.isEmpty() && jobs < summary.slots();
		}
	}

	/**
	 * Open hosts per requirement set, the host given a job longest ago first, so choosing is a look at the first
	 * few hosts rather than a scan of the fleet.
	 */
	private static final class OpenHosts {

		private static final Comparator<OpenHost> IDLE_LONGEST = Comparator.<OpenHost, Instant>comparing(h -> h.lastStarted)
			.thenComparingInt(h -> h.jobs)
			.thenComparingLong(h -> h.summary.id());

		private final Map<Long, TreeSet<OpenHost>> bySet = new HashMap<>();

		OpenHosts(List<HostSummary> hosts) {
			for (HostSummary summary : hosts) {
				OpenHost host = new OpenHost(summary);
				if (host.open()) {
					add(host);
				}
			}
		}

		OpenHost choose(Candidate job) {
			TreeSet<OpenHost> fitting = bySet.get(job.requirementSet());
			if (fitting == null) {
				return null;
			}
			for (OpenHost host : fitting) {
				if (job.needs().fitsIn(host.free) && !Long.valueOf(host.summary.id()).equals(job.avoidHost())) {
					return host;
				}
			}
			return null;
		}

		Placement place(OpenHost host, Candidate job, Instant now) {
			remove(host);
			int slot = host.readySlots.pollFirst();
			host.free = host.free.minus(job.needs());
			host.jobs++;
			host.lastStarted = now;
			if (host.open()) {
				add(host);
			}
			return new Placement(job.jobId(), host.summary.id(), slot);
		}

		private void add(OpenHost host) {
			for (long set : host.summary.matches()) {
				bySet.computeIfAbsent(set, s -> new TreeSet<>(IDLE_LONGEST)).add(host);
			}
		}

		private void remove(OpenHost host) {
			for (long set : host.summary.matches()) {
				bySet.get(set).remove(host);
			}
		}
	}
}
