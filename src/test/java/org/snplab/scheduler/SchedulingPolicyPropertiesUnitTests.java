package org.snplab.scheduler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import static org.assertj.core.api.Assertions.assertThat;

/** The scheduling policy on generated fleets and queues: what must hold whatever the lab looks like. */
class SchedulingPolicyPropertiesUnitTests {

	private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

	private static final List<String> CLASSES = SchedulingPolicy.DEFAULT_CLASSES;

	private final SchedulingPolicy policy = new SchedulingPolicy(CLASSES, 600);

	record Case(List<HostSummary> hosts, List<Candidate> jobs, FairShare use) {
	}

	@Property(tries = 500)
	void neverLeavesAJobWaitingWhileAHostItFitsHasRoom(@ForAll("lab") Case lab) {
		SchedulingPolicy.Plan plan = policy.place(lab.hosts(), lab.jobs(), lab.use(), NOW);

		Map<Long, Room> after = roomAfter(lab, plan.placements());
		for (Candidate waiting : plan.waiting()) {
			for (HostSummary host : lab.hosts()) {
				assertThat(after.get(host.id()).takes(host, waiting))
					.as("job %s waits while host %s has room for it: %s", waiting, host, after.get(host.id()))
					.isFalse();
			}
		}
		assertThat(plan.placements().size() + plan.waiting().size()).isEqualTo(lab.jobs().size());
	}

	@Property(tries = 500)
	void neverOverfillsAHostsMemoryCpusOrSlots(@ForAll("lab") Case lab) {
		SchedulingPolicy.Plan plan = policy.place(lab.hosts(), lab.jobs(), lab.use(), NOW);

		Map<Long, Candidate> jobs = byId(lab.jobs());
		Set<Long> placedJobs = new HashSet<>();
		for (HostSummary host : lab.hosts()) {
			List<Placement> onHost = plan.placements().stream().filter(p -> p.hostId() == host.id()).toList();
			Resources used = host.inUse();
			for (Placement p : onHost) {
				used = used.plus(jobs.get(p.jobId()).needs());
				assertThat(host.matches()).contains(jobs.get(p.jobId()).requirementSet());
				assertThat(Long.valueOf(host.id()).equals(jobs.get(p.jobId()).avoidHost())).isFalse();
			}
			assertThat(used.fitsIn(host.capacity())).as("%s on %s", onHost, host).isTrue();
			assertThat(host.jobs() + onHost.size()).isLessThanOrEqualTo(host.slots());
			List<Integer> slots = onHost.stream().map(Placement::slot).toList();
			assertThat(slots).doesNotHaveDuplicates();
			assertThat(host.readySlots()).containsAll(slots);
		}
		for (Placement p : plan.placements()) {
			assertThat(placedJobs.add(p.jobId())).as("job %d placed twice", p.jobId()).isTrue();
		}
	}

	@Property(tries = 500)
	void aHigherClassOrPriorityNeverWaitsForALowerOneOnAHostItFits(@ForAll("lab") Case lab) {
		SchedulingPolicy.Plan plan = policy.place(lab.hosts(), lab.jobs(), lab.use(), NOW);

		Map<Long, Candidate> jobs = byId(lab.jobs());
		Map<Long, HostSummary> hosts = new HashMap<>();
		lab.hosts().forEach(h -> hosts.put(h.id(), h));
		for (int i = 0; i < plan.placements().size(); i++) {
			Placement placed = plan.placements().get(i);
			Candidate lower = jobs.get(placed.jobId());
			HostSummary host = hosts.get(placed.hostId());
			Room before = roomAfter(lab, plan.placements().subList(0, i)).get(host.id());
			for (Candidate waiting : plan.waiting()) {
				if (goesFirst(waiting, lower)) {
					assertThat(before.takes(host, waiting))
						.as("%s waits though it goes before %s, which got %s", waiting, lower, host)
						.isFalse();
				}
			}
		}
	}

	@Property(tries = 300)
	void placementsComeInClassThenPriorityOrder(@ForAll("lab") Case lab) {
		List<Placement> placements = policy.place(lab.hosts(), lab.jobs(), lab.use(), NOW).placements();

		Map<Long, Candidate> jobs = byId(lab.jobs());
		for (int i = 1; i < placements.size(); i++) {
			Candidate earlier = jobs.get(placements.get(i - 1).jobId());
			Candidate later = jobs.get(placements.get(i).jobId());
			assertThat(goesFirst(later, earlier)).as("%s placed after %s", later, earlier).isFalse();
		}
	}

	/**
	 * Repositories with the same recent use, one kind of job that fits everywhere: while a repository has waiting
	 * work, the others get at most one placement each before it gets its next.
	 */
	@Property(tries = 300)
	void noRepositoryWaitsMoreThanOneTurnOfTheOthers(@ForAll @IntRange(min = 2, max = 5) int repositories,
			@ForAll @IntRange(min = 1, max = 12) int hostCount, @ForAll @IntRange(min = 1, max = 4) int slots,
			@ForAll @IntRange(min = 1, max = 15) int jobsEach) {
		List<HostSummary> hosts = IntStream.range(0, hostCount)
			.mapToObj(h -> host(h, Set.of(1L), Resources.UNLIMITED, Resources.NONE, slots, 0, allSlots(slots), NOW))
			.toList();
		List<Candidate> jobs = new ArrayList<>();
		for (int j = 0; j < jobsEach; j++) {
			for (int r = 0; r < repositories; r++) {
				// Queued in bursts: all of repository 0's jobs have the lowest ids.
				jobs.add(new Candidate(r * 1000L + j, 1, Resources.NONE, "push", 0, "repo-" + r, null, null));
			}
		}

		List<Placement> placements = policy.place(hosts, jobs, FairShare.none(), NOW).placements();

		assertLongestWait(placements, jobs, repositories - 1);
	}

	/** With any recent use: a repository goes ahead of one with waiting work only while it has used less. */
	@Property(tries = 300)
	void aRepositoryGoesAheadOnlyWhileItUsedLess(@ForAll("uses") Map<String, Double> use,
			@ForAll @IntRange(min = 1, max = 30) int freeSlots) {
		List<HostSummary> hosts = List.of(host(1, Set.of(1L), Resources.UNLIMITED, Resources.NONE, freeSlots, 0,
				allSlots(freeSlots), NOW));
		List<Candidate> jobs = new ArrayList<>();
		for (String repository : use.keySet()) {
			for (int j = 0; j < 10; j++) {
				jobs.add(new Candidate(jobs.size() + 1, 1, Resources.NONE, "push", 0, repository, null, null));
			}
		}
		FairShare share = new FairShare(use, Map.of(), Map.of());

		List<Placement> placements = policy.place(hosts, jobs, share, NOW).placements();

		Map<Long, Candidate> byId = byId(jobs);
		Map<String, Double> charged = new HashMap<>(use);
		Map<String, Integer> left = new HashMap<>();
		jobs.forEach(j -> left.merge(j.repository(), 1, Integer::sum));
		for (Placement p : placements) {
			String placed = byId.get(p.jobId()).repository();
			for (String other : left.keySet()) {
				if (left.get(other) > 0 && !other.equals(placed)) {
					assertThat(charged.get(placed)).as("%s placed ahead of %s", placed, other)
						.isLessThanOrEqualTo(charged.get(other));
				}
			}
			charged.merge(placed, 600.0, Double::sum);
			left.merge(placed, -1, Integer::sum);
		}
	}

	@Provide
	Arbitrary<Map<String, Double>> uses() {
		return Arbitraries.maps(Arbitraries.of("repo-a", "repo-b", "repo-c", "repo-d"),
				Arbitraries.doubles().between(0, 20_000)).ofMinSize(2);
	}

	@Provide
	Arbitrary<Case> lab() {
		Arbitrary<List<HostSummary>> hosts = hostArbitrary().list().ofMinSize(1).ofMaxSize(8).map(list -> {
			List<HostSummary> numbered = new ArrayList<>();
			for (int i = 0; i < list.size(); i++) {
				HostSummary h = list.get(i);
				numbered.add(new HostSummary(i + 1, "host-" + (i + 1), h.matches(), h.capacity(), h.inUse(), h.slots(),
						h.jobs(), h.readySlots(), h.lastStarted()));
			}
			return numbered;
		});
		Arbitrary<List<Candidate>> jobs = candidateArbitrary().list().ofMaxSize(40).map(list -> {
			List<Candidate> numbered = new ArrayList<>();
			for (int i = 0; i < list.size(); i++) {
				Candidate c = list.get(i);
				numbered.add(new Candidate(i + 1, c.requirementSet(), c.needs(), c.priorityClass(), c.priority(),
						c.repository(), c.author(), c.avoidHost()));
			}
			return numbered;
		});
		Arbitrary<FairShare> use = Arbitraries.maps(Arbitraries.of("repo-a", "repo-b", "repo-c"),
				Arbitraries.doubles().between(0, 10_000)).map(m -> new FairShare(m, Map.of(), Map.of("repo-c", 2.0)));
		return Combinators.combine(hosts, jobs, use).as(Case::new);
	}

	private Arbitrary<HostSummary> hostArbitrary() {
		Arbitrary<Set<Long>> matches = Arbitraries.of(1L, 2L, 3L).set().ofMaxSize(3);
		Arbitrary<Resources> capacity = Arbitraries.oneOf(Arbitraries.just(Resources.UNLIMITED),
				Combinators.combine(Arbitraries.of(8L, 12L, 16L, 32L, 60L).map(g -> g * 1024), Arbitraries.of(4, 8, 16, 64))
					.as(Resources::new));
		Arbitrary<Integer> slots = Arbitraries.integers().between(1, 4);
		Arbitrary<Instant> lastStarted = Arbitraries.longs().between(0, 3600).map(NOW::minusSeconds);
		return Combinators.combine(matches, capacity, slots, Arbitraries.integers().between(0, 4),
				Arbitraries.integers().between(0, 100), lastStarted, Arbitraries.integers().between(0, 15))
			.as((m, cap, s, busy, usedPercent, last, readyMask) -> {
				int jobs = Math.min(busy, s);
				Resources used = cap.equals(Resources.UNLIMITED) ? new Resources(jobs * 8192L, jobs * 4)
						: new Resources(cap.memoryMb() * usedPercent / 100, cap.cpus() * usedPercent / 100);
				// Busy slots are the first ones; of the others, those the mask picks have an agent asking for work.
				List<Integer> ready = IntStream.range(jobs, s).filter(slot -> (readyMask & (1 << slot)) != 0).boxed().toList();
				return host(0, m, cap, used, s, jobs, ready, last);
			});
	}

	private Arbitrary<Candidate> candidateArbitrary() {
		Arbitrary<Resources> needs = Arbitraries.of(Resources.NONE, new Resources(4096, 2), new Resources(8192, 4),
				new Resources(16384, 4), new Resources(65536, 16), new Resources(8192, 0));
		return Combinators.combine(Arbitraries.of(1L, 2L, 3L), needs, Arbitraries.of(CLASSES),
				Arbitraries.of(0, 0, 10, 50), Arbitraries.of("repo-a", "repo-b", "repo-c"),
				Arbitraries.of("alice", "bob").injectNull(0.5), Arbitraries.longs().between(1, 8).injectNull(0.8))
			.as((set, need, cls, priority, repository, author, avoid) -> new Candidate(0, set, need, cls, priority,
					repository, author, avoid));
	}

	private boolean goesFirst(Candidate a, Candidate b) {
		int byClass = Integer.compare(policy.rank(a.priorityClass()), policy.rank(b.priorityClass()));
		return byClass < 0 || (byClass == 0 && a.priority() > b.priority());
	}

	private static void assertLongestWait(List<Placement> placements, List<Candidate> jobs, int bound) {
		Map<Long, Candidate> byId = byId(jobs);
		Map<String, Integer> left = new HashMap<>();
		Map<String, Integer> since = new HashMap<>();
		jobs.forEach(j -> {
			left.merge(j.repository(), 1, Integer::sum);
			since.put(j.repository(), 0);
		});
		for (Placement p : placements) {
			String placed = byId.get(p.jobId()).repository();
			left.merge(placed, -1, Integer::sum);
			since.put(placed, 0);
			for (String other : since.keySet()) {
				if (!other.equals(placed) && left.get(other) > 0) {
					since.merge(other, 1, Integer::sum);
					assertThat(since.get(other)).as("%s waited %d placements: %s", other, since.get(other), placements)
						.isLessThanOrEqualTo(bound);
				}
			}
		}
	}

	/** What each host has left once the given placements of these jobs are made. */
	private static Map<Long, Room> roomAfter(Case lab, List<Placement> placements) {
		Map<Long, Candidate> jobs = byId(lab.jobs());
		Map<Long, Room> room = new HashMap<>();
		lab.hosts().forEach(h -> room.put(h.id(), new Room(h.free(), h.jobs(), new HashSet<>(h.readySlots()))));
		for (Placement p : placements) {
			room.get(p.hostId()).take(p, jobs.get(p.jobId()).needs());
		}
		return room;
	}

	private static Map<Long, Candidate> byId(List<Candidate> jobs) {
		Map<Long, Candidate> byId = new HashMap<>();
		jobs.forEach(j -> byId.put(j.jobId(), j));
		return byId;
	}

	private static final class Room {

		Resources free;

		int jobs;

		final Set<Integer> ready;

		Room(Resources free, int jobs, Set<Integer> ready) {
			this.free = free;
			this.jobs = jobs;
			this.ready = ready;
		}

		void take(Placement p, Resources needs) {
			free = free.minus(needs);
			jobs++;
			ready.remove(p.slot());
		}

		boolean takes(HostSummary host, Candidate job) {
			return host.matches().contains(job.requirementSet()) && !ready.isEmpty() && jobs < host.slots()
					&& job.needs().fitsIn(free) && !Long.valueOf(host.id()).equals(job.avoidHost());
		}

		@Override
		public String toString() {
			return "free " + free + ", " + jobs + " job(s), ready slots " + ready;
		}
	}

	private static HostSummary host(long id, Set<Long> matches, Resources capacity, Resources inUse, int slots, int jobs,
			List<Integer> ready, Instant lastStarted) {
		return new HostSummary(id, "host-" + id, matches, capacity, inUse, slots, jobs, ready, lastStarted);
	}

	private static List<Integer> allSlots(int slots) {
		return IntStream.range(0, slots).boxed().toList();
	}
}
