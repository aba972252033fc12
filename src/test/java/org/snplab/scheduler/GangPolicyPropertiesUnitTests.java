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
import net.jqwik.api.statistics.Statistics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scheduling policy with multi-host jobs (gangs) in the queue beside single jobs, on generated fleets: a gang
 * is never partly placed, its hosts are distinct and share its facts, no host is overfilled, and a single job waits
 * while a host it fits has room only because a gang holds that host.
 */
class GangPolicyPropertiesUnitTests {

	private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

	private static final List<String> CLASSES = SchedulingPolicy.DEFAULT_CLASSES;

	private final SchedulingPolicy policy = new SchedulingPolicy(CLASSES, 600);

	record Lab(List<HostSummary> hosts, List<Candidate> singles, List<Gang> gangs) {

		List<Candidate> everyJob() {
			List<Candidate> all = new ArrayList<>(singles);
			gangs.forEach(g -> all.addAll(g.roles()));
			return all;
		}
	}

	@Property(tries = 1000)
	void aGangIsPlacedWholeOnDistinctHostsSharingItsFactsOrNotAtAll(@ForAll("lab") Lab lab) {
		SchedulingPolicy.Plan plan = plan(lab);

		Map<Long, Placement> placed = new HashMap<>();
		plan.placements().forEach(p -> placed.put(p.jobId(), p));
		Map<Long, HostSummary> hosts = byId(lab.hosts());
		Set<String> waiting = new HashSet<>();
		plan.waitingGangs().forEach(w -> assertThat(waiting.add(w.gang().key())).isTrue());
		for (Gang gang : lab.gangs()) {
			long rolesPlaced = gang.roles().stream().filter(r -> placed.containsKey(r.jobId())).count();
			assertThat(rolesPlaced).as("roles of %s placed: %s", gang.key(), plan.placements()).isIn(0L,
					(long) gang.roles().size());
			assertThat(waiting.contains(gang.key())).as("%s waits exactly when it isn't placed", gang.key())
				.isEqualTo(rolesPlaced == 0);
			// The generated cases must place gangs, hold hosts and find impossible ones, not just one of these.
			Statistics.collect(rolesPlaced > 0 ? "placed" : plan.waitingGangs().stream()
				.filter(w -> w.gang().key().equals(gang.key()))
				.map(w -> w.holds().isEmpty() ? (w.reason().startsWith("no ") ? "never" : "waits") : "holds")
				.findFirst()
				.orElseThrow());
			if (rolesPlaced == 0) {
				continue;
			}
			Set<Long> used = new HashSet<>();
			Set<List<String>> shared = new HashSet<>();
			for (Candidate role : gang.roles()) {
				HostSummary host = hosts.get(placed.get(role.jobId()).hostId());
				assertThat(used.add(host.id())).as("%s has two roles on %s", gang.key(), host.name()).isTrue();
				assertThat(host.matches()).contains(role.requirementSet());
				shared.add(gang.same().stream().map(f -> host.facts().get(f)).toList());
			}
			assertThat(shared).as("facts %s of %s's hosts", gang.same(), gang.key()).hasSize(1);
			assertThat(shared.iterator().next()).doesNotContainNull();
		}
	}

	@Property(tries = 1000)
	void neverOverfillsAHostWithGangsInTheMix(@ForAll("lab") Lab lab) {
		SchedulingPolicy.Plan plan = plan(lab);

		Map<Long, Candidate> jobs = byJobId(lab.everyJob());
		Set<Long> placedJobs = new HashSet<>();
		for (HostSummary host : lab.hosts()) {
			List<Placement> onHost = plan.placements().stream().filter(p -> p.hostId() == host.id()).toList();
			Resources used = host.inUse();
			for (Placement p : onHost) {
				used = used.plus(jobs.get(p.jobId()).needs());
				assertThat(host.matches()).contains(jobs.get(p.jobId()).requirementSet());
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

	@Property(tries = 1000)
	void aSingleJobWaitsBesideRoomOnlyWhereAGangHoldsTheHost(@ForAll("lab") Lab lab) {
		SchedulingPolicy.Plan plan = plan(lab);

		Set<Long> held = new HashSet<>();
		lab.gangs().forEach(g -> held.addAll(g.held()));
		plan.waitingGangs().forEach(w -> held.addAll(w.holds()));
		Map<Long, Room> after = roomAfter(lab, plan.placements());
		for (Candidate waiting : plan.waiting()) {
			for (HostSummary host : lab.hosts()) {
				if (!held.contains(host.id())) {
					assertThat(after.get(host.id()).takes(host, waiting))
						.as("job %s waits while host %s, held by no gang, has room: %s", waiting, host, after.get(host.id()))
						.isFalse();
				}
			}
		}
		assertThat(plan.placements().size() + plan.waiting().size()
				+ plan.waitingGangs().stream().mapToInt(w -> w.gang().roles().size()).sum())
			.isEqualTo(lab.everyJob().size());
	}

	@Property(tries = 1000)
	void holdsAreDisjointAndAHostStillHeldTakesNoOtherJob(@ForAll("lab") Lab lab) {
		SchedulingPolicy.Plan plan = plan(lab);

		Map<Long, String> holder = new HashMap<>();
		for (SchedulingPolicy.WaitingGang w : plan.waitingGangs()) {
			for (long host : w.holds()) {
				assertThat(holder.put(host, w.gang().key())).as("host %d held twice", host).isNull();
			}
			assertThat(w.holds().size()).isIn(0, w.gang().roles().size());
			if (!w.gang().mayHold()) {
				assertThat(w.holds()).isEmpty();
			}
		}
		Set<Long> singles = new HashSet<>();
		lab.singles().forEach(s -> singles.add(s.jobId()));
		for (Gang gang : lab.gangs()) {
			for (long host : gang.held()) {
				if (gang.key().equals(holder.get(host))) {
					assertThat(plan.placements()).as("a job placed on host %d, held all along by %s", host, gang.key())
						.noneMatch(p -> p.hostId() == host && singles.contains(p.jobId()));
				}
			}
		}
	}

	@Property(tries = 1000)
	void aGangNoHostsCouldEverRunHoldsNothingAndSaysSo(@ForAll("lab") Lab lab) {
		SchedulingPolicy.Plan plan = plan(lab);

		for (SchedulingPolicy.WaitingGang w : plan.waitingGangs()) {
			boolean possible = couldEverRun(w.gang(), lab.hosts(), new ArrayList<>(), 0);
			if (!possible) {
				assertThat(w.holds()).isEmpty();
				assertThat(w.reason()).startsWith("no " + w.gang().roles().size() + " hosts");
			}
			else {
				assertThat(w.reason()).doesNotStartWith("no ");
			}
		}
	}

	@Property(tries = 500)
	void placementsStillComeInClassThenPriorityOrder(@ForAll("lab") Lab lab) {
		List<Placement> placements = plan(lab).placements();

		Map<Long, Candidate> jobs = byJobId(lab.everyJob());
		for (int i = 1; i < placements.size(); i++) {
			Candidate earlier = jobs.get(placements.get(i - 1).jobId());
			Candidate later = jobs.get(placements.get(i).jobId());
			int byClass = Integer.compare(policy.rank(later.priorityClass()), policy.rank(earlier.priorityClass()));
			assertThat(byClass < 0 || (byClass == 0 && later.priority() > earlier.priority()))
				.as("%s placed after %s", later, earlier).isFalse();
		}
	}

	private SchedulingPolicy.Plan plan(Lab lab) {
		return policy.place(lab.hosts(), lab.singles(), lab.gangs(), FairShare.none(), NOW);
	}

	/** Brute force: distinct hosts, one per role, matching and big enough, sharing the facts. */
	private static boolean couldEverRun(Gang gang, List<HostSummary> hosts, List<HostSummary> chosen, int role) {
		if (role == gang.roles().size()) {
			Set<List<String>> shared = new HashSet<>();
			chosen.forEach(h -> shared.add(gang.same().stream().map(f -> h.facts().get(f)).toList()));
			return shared.size() == 1 && !shared.iterator().next().contains(null);
		}
		Candidate r = gang.roles().get(role);
		for (HostSummary host : hosts) {
			if (!chosen.contains(host) && host.matches().contains(r.requirementSet()) && r.needs().fitsIn(host.capacity())) {
				chosen.add(host);
				boolean found = couldEverRun(gang, hosts, chosen, role + 1);
				chosen.remove(chosen.size() - 1);
				if (found) {
					return true;
				}
			}
		}
		return false;
	}

	@Provide
	Arbitrary<Lab> lab() {
		Arbitrary<List<HostSummary>> hosts = hostArbitrary().list().ofMinSize(2).ofMaxSize(7).map(list -> {
			List<HostSummary> numbered = new ArrayList<>();
			for (int i = 0; i < list.size(); i++) {
				HostSummary h = list.get(i);
				numbered.add(new HostSummary(i + 1, "host-" + (i + 1), h.matches(), h.capacity(), h.inUse(), h.slots(),
						h.jobs(), h.readySlots(), h.lastStarted(), h.facts()));
			}
			return numbered;
		});
		Arbitrary<List<Candidate>> singles = candidateArbitrary().list().ofMaxSize(20);
		Arbitrary<List<List<Candidate>>> gangRoles = candidateArbitrary().map(c -> c.needs().memoryMb() > 16384
				? new Candidate(c.jobId(), c.requirementSet(), Resources.NONE, c.priorityClass(), c.priority(), c.repository(),
						c.author(), c.avoidHost()) : c).list().ofMinSize(2).ofMaxSize(3).list().ofMaxSize(3);
		Arbitrary<List<Set<Long>>> held = Arbitraries.longs().between(1, 7).set().ofMaxSize(3).list().ofSize(3);
		Arbitrary<List<Boolean>> mayHold = Arbitraries.of(true, true, false).list().ofSize(3);
		Arbitrary<List<List<String>>> same = Arbitraries.of(List.of("cpu.generation"),
				List.of("cpu.generation", "snp.firmware"), List.<String>of()).list().ofSize(3);
		return Combinators.combine(hosts, singles, gangRoles, held, mayHold, same).as((h, s, g, hd, mh, sm) -> {
			long id = 1;
			List<Candidate> numbered = new ArrayList<>();
			for (Candidate c : s) {
				numbered.add(withId(c, id++, c));
			}
			List<Gang> gangs = new ArrayList<>();
			Set<Long> taken = new HashSet<>();
			for (int i = 0; i < g.size(); i++) {
				List<Candidate> roles = new ArrayList<>();
				Candidate first = g.get(i).get(0);
				for (Candidate role : g.get(i)) {
					// The roles of a gang share its class, priority, repository and author.
					roles.add(withId(role, id++, first));
				}
				// Earlier passes gave each host to one gang at most.
				Set<Long> holds = new HashSet<>(hd.get(i));
				holds.removeIf(host -> host > h.size() || taken.contains(host));
				taken.addAll(holds);
				gangs.add(new Gang("gang-" + i, roles, sm.get(i), holds, mh.get(i)));
			}
			return new Lab(h, numbered, gangs);
		});
	}

	private static Candidate withId(Candidate c, long id, Candidate shared) {
		return new Candidate(id, c.requirementSet(), c.needs(), shared.priorityClass(), shared.priority(),
				shared.repository(), shared.author(), c.avoidHost());
	}

	private Arbitrary<HostSummary> hostArbitrary() {
		// Mostly hosts that match much and ask for work, so that gangs are often placed, not only held or refused.
		Arbitrary<Set<Long>> matches = Arbitraries.frequencyOf(
				net.jqwik.api.Tuple.of(1, Arbitraries.of(1L, 2L, 3L).set().ofMaxSize(3)),
				net.jqwik.api.Tuple.of(1, Arbitraries.just(Set.of(1L, 2L, 3L))));
		Arbitrary<Resources> capacity = Arbitraries.oneOf(Arbitraries.just(Resources.UNLIMITED),
				Combinators.combine(Arbitraries.of(8L, 16L, 32L).map(g -> g * 1024), Arbitraries.of(4, 8, 16))
					.as(Resources::new));
		Arbitrary<Map<String, String>> facts = Combinators
			.combine(Arbitraries.of("milan", "genoa").injectNull(0.05), Arbitraries.of("1.55", "1.55", "1.57"))
			.as((generation, firmware) -> {
				Map<String, String> f = new HashMap<>();
				if (generation != null) {
					f.put("cpu.generation", generation);
				}
				f.put("snp.firmware", firmware);
				return f;
			});
		Arbitrary<Instant> lastStarted = Arbitraries.longs().between(0, 3600).map(NOW::minusSeconds);
		return Combinators.combine(matches, capacity, Arbitraries.integers().between(1, 3),
				Arbitraries.of(0, 0, 1, 2, 3), Arbitraries.integers().between(0, 100), lastStarted,
				Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 7)),
						net.jqwik.api.Tuple.of(1, Arbitraries.just(7))), facts)
			.as((m, cap, s, busy, usedPercent, last, readyMask, f) -> {
				int jobs = Math.min(busy, s);
				Resources used = cap.equals(Resources.UNLIMITED) ? new Resources(jobs * 8192L, jobs * 4)
						: new Resources(cap.memoryMb() * usedPercent / 100, cap.cpus() * usedPercent / 100);
				List<Integer> ready = IntStream.range(jobs, s).filter(slot -> (readyMask & (1 << slot)) != 0).boxed().toList();
				return new HostSummary(0, "host", m, cap, used, s, jobs, ready, last, f);
			});
	}

	private Arbitrary<Candidate> candidateArbitrary() {
		Arbitrary<Resources> needs = Arbitraries.of(Resources.NONE, new Resources(4096, 2), new Resources(8192, 4),
				new Resources(16384, 4), new Resources(65536, 16));
		return Combinators.combine(Arbitraries.of(1L, 2L, 3L), needs, Arbitraries.of(CLASSES),
				Arbitraries.of(0, 0, 10, 50), Arbitraries.of("repo-a", "repo-b"), Arbitraries.longs().between(1, 7).injectNull(0.85))
			.as((set, need, cls, priority, repository, avoid) -> new Candidate(0, set, need, cls, priority, repository,
					null, avoid));
	}

	private static Map<Long, Room> roomAfter(Lab lab, List<Placement> placements) {
		Map<Long, Candidate> jobs = byJobId(lab.everyJob());
		Map<Long, Room> room = new HashMap<>();
		lab.hosts().forEach(h -> room.put(h.id(), new Room(h.free(), h.jobs(), new HashSet<>(h.readySlots()))));
		for (Placement p : placements) {
			room.get(p.hostId()).take(p, jobs.get(p.jobId()).needs());
		}
		return room;
	}

	private static Map<Long, HostSummary> byId(List<HostSummary> hosts) {
		Map<Long, HostSummary> byId = new HashMap<>();
		hosts.forEach(h -> byId.put(h.id(), h));
		return byId;
	}

	private static Map<Long, Candidate> byJobId(List<Candidate> jobs) {
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
}
