package org.snplab.scheduler;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.snplab.scheduler.PolicyReplay.Arrival;
import org.snplab.scheduler.PolicyReplay.Mode;
import org.snplab.scheduler.PolicyReplay.Outcome;

import static org.assertj.core.api.Assertions.assertThat;

/** The replay's mechanics on tiny made-up histories: ordering, superseding, waits and use. */
class PolicyReplayUnitTests {

	private static final String SVSM = "coconut-svsm/svsm";

	@Test
	void fifoRunsInArrivalOrderWhateverTheClass() {
		List<Arrival> history = List.of(push(0, 100), nightly(10, 100), pullRequest(20, "alice", "7", 100),
				push(30, 100));

		List<Outcome> runs = replay(Mode.FIFO, 1, history);

		assertThat(runs).extracting(Outcome::started).containsExactly(0L, 100L, 200L, 300L);
		assertThat(runs).extracting(Outcome::waited).containsExactly(0L, 90L, 180L, 270L);
	}

	@Test
	void policyRunsProtectedPushesThenPullRequestsThenNightlies() {
		List<Arrival> history = List.of(push(0, 100), nightly(10, 100), pullRequest(20, "alice", "7", 100),
				push(30, 100));

		List<Outcome> runs = replay(Mode.POLICY, 1, history);

		// The host is busy until 100; then the push, the pull request, and last the nightly that came first.
		assertThat(runs).extracting(Outcome::started).containsExactly(0L, 300L, 200L, 100L);
	}

	@Test
	void aNewPushToAPullRequestCancelsItsQueuedAndItsRunningOlderRun() {
		List<Arrival> history = List.of(pullRequest(0, "alice", "7", 100), pullRequest(10, "bob", "8", 100),
				pullRequest(20, "bob", "8", 100), pullRequest(50, "alice", "7", 100));

		List<Outcome> runs = replay(Mode.POLICY, 1, history);

		assertThat(runs).extracting(Outcome::superseded).containsExactly(true, true, false, false);
		assertThat(runs.get(0).ran()).as("stopped at the newer push").isEqualTo(50);
		assertThat(runs.get(1).started()).as("canceled while queued: never ran").isEqualTo(-1);
		// Alice has used 50 s of the host, Bob nothing: Bob's newest push goes first.
		assertThat(runs.get(2).started()).isEqualTo(50);
		assertThat(runs.get(3).started()).isEqualTo(150);
	}

	@Test
	void fifoSupersedesNothing() {
		List<Arrival> history = List.of(pullRequest(0, "alice", "7", 100), pullRequest(50, "alice", "7", 100));

		List<Outcome> runs = replay(Mode.FIFO, 1, history);

		assertThat(runs).extracting(Outcome::superseded).containsOnly(false);
		assertThat(runs).extracting(Outcome::ran).containsExactly(100L, 100L);
	}

	@Test
	void withoutSupersedingThePolicyRunsEveryPush() {
		List<Arrival> history = List.of(pullRequest(0, "alice", "7", 100), pullRequest(50, "alice", "7", 100));

		List<Outcome> runs = replay(Mode.POLICY_WITHOUT_SUPERSEDING, 1, history);

		assertThat(runs).extracting(Outcome::superseded).containsOnly(false);
		assertThat(runs).extracting(Outcome::started).containsExactly(0L, 100L);
	}

	@Test
	void fairShareLetsTheRepositoryThatUsedLessGoFirst() {
		// The first repository has used the host for 1,000 s when both have a pull request waiting.
		List<Arrival> history = List.of(new Arrival(0, "pull-request", "a/busy", "alice", "1", 1000),
				new Arrival(10, "pull-request", "a/busy", "alice", "2", 100),
				new Arrival(20, "pull-request", "b/quiet", "bob", "3", 100));

		List<Outcome> policy = replay(Mode.POLICY, 1, history);
		List<Outcome> fifo = replay(Mode.FIFO, 1, history);

		assertThat(policy).extracting(Outcome::started).containsExactly(0L, 1100L, 1000L);
		assertThat(fifo).extracting(Outcome::started).containsExactly(0L, 1000L, 1100L);
	}

	@Test
	void hostsRunJobsSideBySideAndUtilisationCountsWhatRan() {
		List<Arrival> history = List.of(push(0, 100), push(0, 100), push(0, 100));

		PolicyReplay.Result result = new PolicyReplay(Mode.POLICY, Duration.ofHours(24)).replay(history, 2);

		assertThat(result.outcomes()).extracting(Outcome::started).containsExactly(0L, 0L, 100L);
		assertThat(result.spanSeconds()).isEqualTo(200);
		assertThat(result.utilisation()).isEqualTo(300 / 400.0);
	}

	@Test
	void percentileIsTheNearestRank() {
		assertThat(PolicyReplay.percentile(List.of(5L, 1L, 4L, 2L, 3L), 50)).isEqualTo(3);
		assertThat(PolicyReplay.percentile(List.of(5L, 1L, 4L, 2L, 3L), 90)).isEqualTo(5);
		assertThat(PolicyReplay.percentile(List.of(), 90)).isZero();
	}

	private static List<Outcome> replay(Mode mode, int hosts, List<Arrival> history) {
		return new PolicyReplay(mode, Duration.ofHours(24)).replay(history, hosts).outcomes();
	}

	private static Arrival push(long time, long seconds) {
		return new Arrival(time, "protected-push", SVSM, null, null, seconds);
	}

	private static Arrival nightly(long time, long seconds) {
		return new Arrival(time, "schedule", SVSM, null, null, seconds);
	}

	private static Arrival pullRequest(long time, String author, String pullRequest, long seconds) {
		return new Arrival(time, "pull-request", SVSM, author, pullRequest, seconds);
	}
}
