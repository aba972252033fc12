package org.snplab.queue;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.snplab.hosts.HostRegistry;
import org.snplab.support.ServerIntegrationTest;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * COCONUT-SVSM's busiest real day (2024-10-25 UTC, 32 pushes) through the real queue, one SNP host, 20-minute jobs:
 * nothing lost, first come first served, and a newer push to a pull request cancels its older run.
 */
class HistoryReplayIntegrationTests extends ServerIntegrationTest {

	@Autowired
	JobQueue queue;

	@Autowired
	RunService runs;

	@Autowired
	HostRegistry hosts;

	@Test
	void theBusiestRealDayRunsEveryLatestPushOnceInArrivalOrderAndCancelsSupersededOnes() throws Exception {
		long from = LocalDate.of(2024, 10, 25).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
		List<HistoryReplay.Push> day = HistoryReplay.read(HistoryReplay.TRACE).stream()
			.filter(push -> push.time() >= from && push.time() < from + 86_400)
			.toList();
		assertThat(day).hasSize(32);

		HistoryReplay.Result result = new HistoryReplay(queue, runs, hosts, db).replay(day, 1, 20 * 60);

		assertThat(result.outcomes()).hasSize(32).allSatisfy(run -> assertThat(run.result()).isIn("passed", "canceled"));
		List<HistoryReplay.Outcome> claimed = result.outcomes().stream().filter(run -> run.claimed() >= 0).toList();
		for (int i = 1; i < claimed.size(); i++) {
			assertThat(claimed.get(i).arrived()).as("first come, first served").isGreaterThanOrEqualTo(claimed.get(i - 1).arrived());
			assertThat(claimed.get(i).claimed()).as("one host: one job at a time").isGreaterThanOrEqualTo(claimed.get(i - 1).claimed());
		}
		// The newest push of each pull request, and every push to main, always runs to the end.
		Map<String, Integer> pushesPerPullRequest = new HashMap<>();
		day.stream().filter(HistoryReplay.Push::toPullRequest).forEach(push -> pushesPerPullRequest.merge(push.pullRequest(), 1, Integer::sum));
		long supersededPushes = pushesPerPullRequest.values().stream().mapToLong(n -> n - 1).sum();
		assertThat(result.count("passed")).isEqualTo(32 - result.count("canceled"));
		assertThat(result.count("canceled")).as("only superseded runs are canceled").isLessThanOrEqualTo(supersededPushes);
		assertThat(result.count("passed")).isGreaterThanOrEqualTo(32 - supersededPushes);
		assertThat(result.busySeconds()).isLessThanOrEqualTo(result.spanSeconds());
	}
}
