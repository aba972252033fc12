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
import java.util.function.BiPredicate;
import java.util.function.Function;

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
 * <p>
 * A multi-host job ({@link Gang}) takes its turn in the same order: its roles go to distinct hosts that share its
 * {@code same} facts, each fitting its role, or none of them is placed. One that doesn't fit now holds the hosts it
 * would use once their running jobs end: a held host takes no other job (the pass bounds how long,
 * {@code snplab.scheduler.gang-wait}). A gang no set of hosts could ever run says so and holds nothing.
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

	/**
	 * What one pass decided: the placements, the single jobs left waiting, in policy order, and the multi-host jobs
	 * left waiting, with the hosts each holds now.
	 */
	public record Plan(List<Placement> placements, List<Candidate> waiting, List<WaitingGang> waitingGangs) {

		public Plan(List<Placement> placements, List<Candidate> waiting) {
			this(placements, waiting, List.of());
		}
	}

	/**
	 * A multi-host job not placed in this pass.
	 *
	 * @param holds the hosts it holds from now on (they take no other job); empty when it holds none
	 * @param reason why it waits, e.g. {@code holding milan-1, milan-2 while their running jobs end}
	 */
	public record WaitingGang(Gang gang, List<Long> holds, String reason) {
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
		return place(hosts, candidates, List.of(), use, now);
	}

	/**
	 * @param hosts the hosts that take work; with gangs queued also those without a ready slot (a gang may hold them)
	 */
	public Plan place(List<HostSummary> hosts, List<Candidate> candidates, List<Gang> gangs, FairShare use, Instant now) {
		FairShare charged = use.copy();
		OpenHosts open = new OpenHosts(hosts, gangs);
		List<Deque<Candidate>> groups = groups(candidates);
		List<Gang> gangsLeft = new ArrayList<>(gangs);
		List<Placement> placements = new ArrayList<>();
		List<Candidate> waiting = new ArrayList<>();
		List<WaitingGang> waitingGangs = new ArrayList<>();
		while (true) {
			Deque<Candidate> group = bestGroup(groups, charged);
			Gang gang = bestGang(gangsLeft, charged);
			if (gang != null && (group == null || before(gang.first(), group.peekFirst(), charged))) {
				gangsLeft.remove(gang);
				List<Placement> placed = open.placeGang(gang, now);
				if (placed == null) {
					waitingGangs.add(open.waitOrHold(gang));
				}
				else {
					placements.addAll(placed);
					gang.roles().forEach(role -> charged.charge(role, placementCharge));
				}
				continue;
			}
			if (group == null) {
				break;
			}
			Candidate next = group.pollFirst();
			OpenHost host = open.choose(next);
			if (host == null) {
				waiting.add(next);
				continue;
			}
			placements.add(open.place(host, next, now));
			charged.charge(next, placementCharge);
		}
		return new Plan(placements, waiting, waitingGangs);
	}

	private Gang bestGang(List<Gang> gangs, FairShare use) {
		Gang best = null;
		for (Gang gang : gangs) {
			if (best == null || before(gang.first(), best.first(), use)) {
				best = gang;
			}
		}
		return best;
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

	/** The group whose head goes first now, or null when every group is empty. */
	private Deque<Candidate> bestGroup(List<Deque<Candidate>> groups, FairShare use) {
		Deque<Candidate> bestGroup = null;
		for (Deque<Candidate> group : groups) {
			if (!group.isEmpty() && (bestGroup == null || before(group.peekFirst(), bestGroup.peekFirst(), use))) {
				bestGroup = group;
			}
		}
		return bestGroup;
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
	 * few hosts rather than a scan of the fleet. A host a gang holds is in no set: only its gang may use it.
	 */
	private static final class OpenHosts {

		private static final Comparator<OpenHost> IDLE_LONGEST = Comparator.<OpenHost, Instant>comparing(h -> h.lastStarted)
			.thenComparingInt(h -> h.jobs)
			.thenComparingLong(h -> h.summary.id());

		private final Map<Long, TreeSet<OpenHost>> bySet = new HashMap<>();

		/** Every host, open or not, in the order given. */
		private final Map<Long, OpenHost> all = new LinkedHashMap<>();

		/** Which gang holds a host. */
		private final Map<Long, String> heldBy = new HashMap<>();

		OpenHosts(List<HostSummary> hosts, List<Gang> gangs) {
			for (HostSummary summary : hosts) {
				all.put(summary.id(), new OpenHost(summary));
			}
			for (Gang gang : gangs) {
				for (long id : gang.held()) {
					if (all.containsKey(id) && !heldBy.containsKey(id)) {
						heldBy.put(id, gang.key());
					}
				}
			}
			for (OpenHost host : all.values()) {
				if (host.open() && !heldBy.containsKey(host.summary.id())) {
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
			if (host.open() && !heldBy.containsKey(host.summary.id())) {
				add(host);
			}
			return new Placement(job.jobId(), host.summary.id(), slot);
		}

		/** Places every role of the gang on hosts that have room now, or none: null then. */
		List<Placement> placeGang(Gang gang, Instant now) {
			List<OpenHost> usable = new ArrayList<>();
			for (OpenHost host : all.values()) {
				String holder = heldBy.get(host.summary.id());
				if (host.open() && (holder == null || holder.equals(gang.key()))) {
					usable.add(host);
				}
			}
			usable.sort(IDLE_LONGEST);
			List<OpenHost> chosen = match(gang, usable, h -> h.summary, (role, h) -> role.needs().fitsIn(h.free)
					&& !Long.valueOf(h.summary.id()).equals(role.avoidHost()));
			if (chosen == null) {
				return null;
			}
			release(gang);
			List<Placement> placements = new ArrayList<>();
			for (int i = 0; i < chosen.size(); i++) {
				placements.add(place(chosen.get(i), gang.roles().get(i), now));
			}
			return placements;
		}

		/**
		 * A gang that doesn't fit now: it holds the hosts it would use once their jobs end (those it held already, if
		 * they still would do), unless it may not hold or another gang holds what it needs; it holds nothing if no
		 * hosts could ever run it.
		 */
		WaitingGang waitOrHold(Gang gang) {
			List<OpenHost> every = new ArrayList<>(all.values());
			BiPredicate<Candidate, OpenHost> couldRun = (role, h) -> h.summary.slots() > 0
					&& role.needs().fitsIn(h.summary.capacity());
			if (match(gang, every, h -> h.summary, couldRun) == null) {
				release(gang);
				List<String> counts = new ArrayList<>();
				for (Candidate role : gang.roles()) {
					long n = every.stream().filter(h -> h.summary.matches().contains(role.requirementSet())
							&& couldRun.test(role, h)).count();
					counts.add(n + "");
				}
				return new WaitingGang(gang, List.of(), WaitingReasons.gangNever(gang.roles().size(), gang.same(), counts));
			}
			if (!gang.mayHold()) {
				release(gang);
				return new WaitingGang(gang, List.of(), WaitingReasons.gangWaits(gang.roles().size(), gang.same()));
			}
			List<OpenHost> held = every.stream().filter(h -> gang.key().equals(heldBy.get(h.summary.id()))).toList();
			List<OpenHost> chosen = match(gang, held, h -> h.summary, couldRun);
			if (chosen == null) {
				// The hosts closest to taking it first: those with room now, then those with fewest jobs.
				List<OpenHost> free = new ArrayList<>(every.stream()
					.filter(h -> heldBy.get(h.summary.id()) == null || gang.key().equals(heldBy.get(h.summary.id())))
					.toList());
				free.sort(Comparator.<OpenHost>comparingInt(h -> h.open() ? 0 : 1).thenComparingInt(h -> h.jobs)
					.thenComparingLong(h -> h.summary.id()));
				chosen = match(gang, free, h -> h.summary, couldRun);
			}
			release(gang);
			if (chosen == null) {
				return new WaitingGang(gang, List.of(), WaitingReasons.gangWaits(gang.roles().size(), gang.same())
						+ "; other multi-host jobs hold the hosts it needs");
			}
			List<Long> ids = new ArrayList<>();
			List<String> names = new ArrayList<>();
			for (OpenHost host : chosen) {
				remove(host);
				heldBy.put(host.summary.id(), gang.key());
				ids.add(host.summary.id());
				names.add(host.summary.name());
			}
			return new WaitingGang(gang, ids, WaitingReasons.gangHolds(names));
		}

		/** The gang's hosts are its no longer: open ones take other jobs again. */
		private void release(Gang gang) {
			for (OpenHost host : all.values()) {
				if (gang.key().equals(heldBy.get(host.summary.id()))) {
					heldBy.remove(host.summary.id());
					if (host.open()) {
						add(host);
					}
				}
			}
		}

		private void add(OpenHost host) {
			for (long set : host.summary.matches()) {
				bySet.computeIfAbsent(set, s -> new TreeSet<>(IDLE_LONGEST)).add(host);
			}
		}

		private void remove(OpenHost host) {
			for (long set : host.summary.matches()) {
				TreeSet<OpenHost> hosts = bySet.get(set);
				if (hosts != null) {
					hosts.remove(host);
				}
			}
		}
	}

	/**
	 * Distinct hosts for the gang's roles, in role order, all sharing its {@code same} facts, each matching its
	 * role's requirement set and passing {@code fits}; null when there are none. Hosts are tried in the order given,
	 * by groups of the same facts: a bipartite matching (augmenting paths) per group, so it finds hosts whenever any
	 * exist, however the roles' requirements overlap.
	 */
	static <H> List<H> match(Gang gang, List<H> hosts, Function<H, HostSummary> summary, BiPredicate<Candidate, H> fits) {
		Map<List<String>, List<H>> bySame = new LinkedHashMap<>();
		for (H host : hosts) {
			List<String> shared = new ArrayList<>();
			for (String fact : gang.same()) {
				shared.add(summary.apply(host).facts().get(fact));
			}
			if (!shared.contains(null)) {
				bySame.computeIfAbsent(shared, k -> new ArrayList<>()).add(host);
			}
		}
		List<Candidate> roles = gang.roles();
		for (List<H> group : bySame.values()) {
			if (group.size() < roles.size()) {
				continue;
			}
			List<List<Integer>> fitting = new ArrayList<>();
			for (Candidate role : roles) {
				List<Integer> fit = new ArrayList<>();
				for (int h = 0; h < group.size(); h++) {
					H host = group.get(h);
					if (summary.apply(host).matches().contains(role.requirementSet()) && fits.test(role, host)) {
						fit.add(h);
					}
				}
				fitting.add(fit);
			}
			int[] roleOfHost = new int[group.size()];
			java.util.Arrays.fill(roleOfHost, -1);
			boolean all = true;
			for (int r = 0; r < roles.size() && all; r++) {
				all = augment(r, fitting, roleOfHost, new boolean[group.size()]);
			}
			if (all) {
				List<H> chosen = new ArrayList<>(java.util.Collections.nCopies(roles.size(), null));
				for (int h = 0; h < group.size(); h++) {
					if (roleOfHost[h] >= 0) {
						chosen.set(roleOfHost[h], group.get(h));
					}
				}
				return chosen;
			}
		}
		return null;
	}

	private static boolean augment(int role, List<List<Integer>> fitting, int[] roleOfHost, boolean[] seen) {
		for (int h : fitting.get(role)) {
			if (!seen[h]) {
				seen[h] = true;
				if (roleOfHost[h] < 0 || augment(roleOfHost[h], fitting, roleOfHost, seen)) {
					roleOfHost[h] = role;
					return true;
				}
			}
		}
		return false;
	}
}
