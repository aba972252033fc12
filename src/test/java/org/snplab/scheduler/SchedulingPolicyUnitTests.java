package org.snplab.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The scheduling policy's rules, one example each. */
class SchedulingPolicyUnitTests {

	private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

	private static final Resources GUEST = new Resources(8192, 4);

	private final SchedulingPolicy policy = new SchedulingPolicy(SchedulingPolicy.DEFAULT_CLASSES, 600);

	@Test
	void aHostRunsAsManyJobsAsFitInItsMemory() {
		HostSummary sixteenGiB = idleHost(1, new Resources(16384, 64), 4, NOW.minusSeconds(10));

		SchedulingPolicy.Plan plan = policy.place(List.of(sixteenGiB),
				List.of(guest(1, "push", 0, "repo"), guest(2, "push", 0, "repo"), guest(3, "push", 0, "repo")),
				FairShare.none(), NOW);

		assertThat(plan.placements()).extracting(Placement::jobId).containsExactly(1L, 2L);
		assertThat(plan.placements()).extracting(Placement::slot).containsExactly(0, 1);
		assertThat(plan.waiting()).extracting(Candidate::jobId).containsExactly(3L);
	}

	@Test
	void workIsSpreadToTheHostGivenAJobLongestAgo() {
		HostSummary busyLately = idleHost(1, Resources.UNLIMITED, 2, NOW.minusSeconds(5));
		HostSummary idleLongest = idleHost(2, Resources.UNLIMITED, 2, NOW.minusSeconds(3600));

		List<Placement> placements = policy.place(List.of(busyLately, idleLongest),
				List.of(guest(1, "push", 0, "repo"), guest(2, "push", 0, "repo")), FairShare.none(), NOW).placements();

		assertThat(placements).extracting(Placement::hostId).containsExactly(2L, 1L);
	}

	@Test
	void aProtectedPushGoesBeforeAPullRequestOfHigherPriority() {
		List<Placement> placements = policy.place(List.of(idleHost(1, Resources.UNLIMITED, 1, NOW)),
				List.of(guest(1, "pull-request", 1000, "repo"), guest(2, "schedule", 0, "repo"),
						guest(3, "protected-push", 0, "repo")),
				FairShare.none(), NOW).placements();

		assertThat(placements).extracting(Placement::jobId).containsExactly(3L);
	}

	@Test
	void anUntrustedAuthorCantRaiseItsPriorityAboveTheCap() {
		assertThat(SchedulingPolicy.effectivePriority(1000, false, 0)).isZero();
		assertThat(SchedulingPolicy.effectivePriority(1000, true, 0)).isEqualTo(1000);
		assertThat(SchedulingPolicy.effectivePriority(5, false, 10)).isEqualTo(5);
	}

	@Test
	void theRepositoryThatUsedTheLabLeastGoesFirstThenTheAuthorWhoDid() {
		FairShare use = new FairShare(Map.of("busy", 7200.0, "quiet", 60.0), Map.of("alice", 5000.0), Map.of());
		List<Candidate> jobs = List.of(guest(1, "push", 0, "busy"), guest(2, "push", 0, "quiet"),
				new Candidate(3, 1, GUEST, "pull-request", 0, "quiet", "alice", null),
				new Candidate(4, 1, GUEST, "pull-request", 0, "quiet", "bob", null));

		List<Placement> pushes = policy.place(List.of(idleHost(1, Resources.UNLIMITED, 1, NOW)), jobs.subList(0, 2), use,
				NOW).placements();
		List<Placement> prs = policy.place(List.of(idleHost(1, Resources.UNLIMITED, 1, NOW)), jobs.subList(2, 4), use, NOW)
			.placements();

		assertThat(pushes).extracting(Placement::jobId).containsExactly(2L);
		assertThat(prs).extracting(Placement::jobId).containsExactly(4L);
	}

	@Test
	void aRepositoryOfWeightTwoMayUseTwiceAsMuch() {
		FairShare use = new FairShare(Map.of("https://github.com/coconut-svsm/svsm.git", 1000.0, "other", 600.0), Map.of(),
				Map.of("coconut-svsm/svsm", 2.0));

		assertThat(use.weightedUseOf("https://github.com/coconut-svsm/svsm.git")).isEqualTo(500.0);
		assertThat(policy.place(List.of(idleHost(1, Resources.UNLIMITED, 1, NOW)),
				List.of(guest(1, "push", 0, "other"), guest(2, "push", 0, "https://github.com/coconut-svsm/svsm.git")), use,
				NOW).placements()).extracting(Placement::jobId).containsExactly(2L);
	}

	@Test
	void useDecaysByHalfEveryHalfLife() {
		assertThat(FairShare.decayed(3600, Duration.ofHours(24), Duration.ofHours(24))).isEqualTo(1800.0);
		assertThat(FairShare.decayed(3600, Duration.ofHours(48), Duration.ofHours(24))).isEqualTo(900.0);
		assertThat(FairShare.decayed(3600, Duration.ZERO, Duration.ofHours(24))).isEqualTo(3600.0);
	}

	@Test
	void aJobThatFitsNoHostDoesNotHoldBackSmallerOnes() {
		Candidate huge = new Candidate(1, 1, new Resources(65536, 4), "protected-push", 0, "repo", null, null);

		SchedulingPolicy.Plan plan = policy.place(List.of(idleHost(1, new Resources(61440, 64), 1, NOW)),
				List.of(huge, guest(2, "schedule", 0, "repo")), FairShare.none(), NOW);

		assertThat(plan.placements()).extracting(Placement::jobId).containsExactly(2L);
		assertThat(plan.waiting()).containsExactly(huge);
	}

	@Test
	void aRetryIsNotGivenTheHostThatLostItsPreviousAttempt() {
		Candidate retry = new Candidate(1, 1, GUEST, "push", 0, "repo", null, 1L);

		assertThat(policy.place(List.of(idleHost(1, Resources.UNLIMITED, 1, NOW.minusSeconds(999)),
				idleHost(2, Resources.UNLIMITED, 1, NOW)), List.of(retry), FairShare.none(), NOW).placements())
			.containsExactly(new Placement(1, 2, 0));
		assertThat(policy.place(List.of(idleHost(1, Resources.UNLIMITED, 1, NOW)), List.of(retry), FairShare.none(), NOW)
			.waiting()).containsExactly(retry);
	}

	@Test
	void sizesAreReadAsPeopleWriteThem() {
		assertThat(Sizes.megabytes("8G")).isEqualTo(8192);
		assertThat(Sizes.megabytes("16GiB")).isEqualTo(16384);
		assertThat(Sizes.megabytes("512M")).isEqualTo(512);
		assertThat(Sizes.megabytes("1.5g")).isEqualTo(1536);
		assertThat(Sizes.format(8192)).isEqualTo("8 GiB");
		assertThatThrownBy(() -> Sizes.megabytes("8")).hasMessage("must be a size like 8G or 512M, got `8`");
		assertThatThrownBy(() -> Sizes.megabytes("lots")).hasMessageContaining("`lots`");
	}

	private static Candidate guest(long id, String priorityClass, int priority, String repository) {
		return new Candidate(id, 1, GUEST, priorityClass, priority, repository, null, null);
	}

	private static HostSummary idleHost(long id, Resources capacity, int slots, Instant lastStarted) {
		return new HostSummary(id, "host-" + id, Set.of(1L), capacity, Resources.NONE, slots, 0,
				java.util.stream.IntStream.range(0, slots).boxed().toList(), lastStarted);
	}
}
