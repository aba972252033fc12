package org.snplab.scheduler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.snplab.scheduler.PolicyReplay.Arrival;
import org.snplab.scheduler.PolicyReplay.Mode;
import org.snplab.scheduler.PolicyReplay.Outcome;
import org.snplab.support.Fixtures;

/**
 * COCONUT-SVSM's real push and pull-request history (fixtures/traces/svsm-history.csv), with a nightly run a day and
 * a second repository (its pull-request stream again, 6 hours later, by other authors), through
 * {@link SchedulingPolicy} with fair share and superseding, without superseding, and through first in, first out, on
 * 1, 2 and 4 hosts; once with the trace's pull-request pushes as they are, once with a pull request's pushes less
 * than 5 minutes apart counted as one.
 * Durations are assumed (no trace has them): protected push 45 min, pull request 30 min, nightly 3 h, each ±25%
 * uniform from a seeded random. Not part of the suite: {@code mvn -B -Pbenchmark test -Dtest=PolicyReplayBenchmark};
 * results go to stdout and {@code target/benchmarks/policy-replay.md} (docs/benchmarks.md).
 */
@EnabledIfSystemProperty(named = "snplab.benchmark", matches = "true")
class PolicyReplayBenchmark {

	static final String SVSM = "coconut-svsm/svsm";

	static final String SECOND = "second/svsm-shifted";

	private static final List<String> CLASSES = List.of("protected-push", "pull-request", "schedule");

	@Test
	void realHistoryFifoAgainstPolicy() throws IOException {
		StringBuilder out = new StringBuilder();
		for (long coalesce : new long[] { 0, 5 * 60 }) {
			List<Arrival> history = history(new Random(8), coalesce);
			out.append(coalesce == 0 ? "### Pull-request pushes as in the trace\n\n"
					: "### A pull request's pushes less than 5 min apart counted as one push\n\n");
			out.append(String.format("%,d jobs: %s%n%n", history.size(), counts(history)));
			out.append(table(history));
		}
		System.out.println("\n" + out);
		Path file = Path.of("target", "benchmarks", "policy-replay.md");
		Files.createDirectories(file.getParent());
		Files.writeString(file, out.toString());
	}

	private static String table(List<Arrival> history) {
		StringBuilder out = new StringBuilder("""
				| hosts | pass | protected push p50 / p90 | pull request p50 / p90 | nightly p50 / p90 | superseded | utilisation | PR p90 svsm / second | svsm: host time / demand | second: host time / demand |
				|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|
				""");
		StringBuilder verdicts = new StringBuilder();
		for (int hosts : new int[] { 1, 2, 4 }) {
			long fifoPullRequestP90 = 0;
			for (Mode mode : Mode.values()) {
				long started = System.nanoTime();
				PolicyReplay.Result result = new PolicyReplay(mode, Duration.ofHours(24)).replay(history, hosts);
				out.append(row(hosts, mode, result));
				long p90 = PolicyReplay.percentile(waits(result, "pull-request", null), 90);
				if (mode == Mode.FIFO) {
					fifoPullRequestP90 = p90;
				}
				else if (mode == Mode.POLICY) {
					verdicts.append(String.format("- %d host(s): pull-request p90 %s with the policy vs %s with FIFO (%.0f%%): %s%n",
							hosts, human(p90), human(fifoPullRequestP90), 100.0 * p90 / Math.max(1, fifoPullRequestP90),
							p90 * 2 <= fifoPullRequestP90 ? "target met" : "target NOT met"));
				}
				System.out.printf("%d host(s), %s: %d ms%n", hosts, mode, (System.nanoTime() - started) / 1_000_000);
			}
		}
		return out.append("\n").append(verdicts).append("\n").toString();
	}

	/**
	 * The trace's pushes to main as protected pushes, its pull-request pushes as pull requests of their authors
	 * (superseding by pull request), a nightly at 02:00 UTC each day from the day after the first push, and the second repository: the same
	 * pull-request pushes 6 hours later by other authors ({@code second-<author>}).
	 *
	 * @param coalesceWithin a pull request's push less than this after its previous one replaces it (both were
	 * likely commits of one git push); 0 keeps every push
	 */
	static List<Arrival> history(Random random, long coalesceWithin) throws IOException {
		List<String[]> rows = Files.readAllLines(Fixtures.path("traces/svsm-history.csv")).stream()
			.skip(1)
			.map(line -> line.split(",", -1))
			.sorted(Comparator.comparingLong(f -> Long.parseLong(f[1])))
			.toList();
		List<Arrival> jobs = new ArrayList<>();
		List<Arrival> pullRequests = new ArrayList<>();
		Map<String, Integer> lastPush = new HashMap<>();
		for (String[] f : rows) {
			long time = Long.parseLong(f[1]);
			if ("main_push".equals(f[0])) {
				jobs.add(new Arrival(time, "protected-push", SVSM, null, null, jitter(random, 45 * 60)));
				continue;
			}
			Arrival push = new Arrival(time, "pull-request", SVSM, f[3], "pr-" + f[2], jitter(random, 30 * 60));
			Integer previous = lastPush.get(f[2]);
			if (previous != null && time - pullRequests.get(previous).time() < coalesceWithin) {
				pullRequests.set(previous, push);
			}
			else {
				lastPush.put(f[2], pullRequests.size());
				pullRequests.add(push);
			}
		}
		for (Arrival push : pullRequests) {
			jobs.add(push);
			jobs.add(new Arrival(push.time() + 6 * 3600, "pull-request", SECOND, "second-" + push.author(),
					push.supersedes(), jitter(random, 30 * 60)));
		}
		long first = Long.parseLong(rows.get(0)[1]);
		long last = Long.parseLong(rows.get(rows.size() - 1)[1]);
		for (LocalDate day = LocalDate.ofEpochDay(first / 86_400 + 1); day.atTime(2, 0).toEpochSecond(ZoneOffset.UTC) <= last;
				day = day.plusDays(1)) {
			jobs.add(new Arrival(day.atTime(2, 0).toEpochSecond(ZoneOffset.UTC), "schedule", SVSM, null, null,
					jitter(random, 3 * 3600)));
		}
		return jobs;
	}

	private static long jitter(Random random, long seconds) {
		return Math.round(seconds * (0.75 + 0.5 * random.nextDouble()));
	}

	private static String counts(List<Arrival> history) {
		StringBuilder s = new StringBuilder();
		for (String c : CLASSES) {
			s.append(c).append(' ').append(String.format("%,d", history.stream().filter(a -> a.priorityClass().equals(c)).count())).append(", ");
		}
		return s + "of them " + String.format("%,d", history.stream().filter(a -> a.repository().equals(SECOND)).count())
				+ " in the second repository";
	}

	private static String row(int hosts, Mode mode, PolicyReplay.Result result) {
		String pass = switch (mode) {
			case FIFO -> "FIFO";
			case POLICY_WITHOUT_SUPERSEDING -> "policy, no superseding";
			case POLICY -> "**policy**";
		};
		StringBuilder row = new StringBuilder(String.format("| %d | %s |", hosts, pass));
		for (String c : CLASSES) {
			List<Long> waits = waits(result, c, null);
			row.append(String.format(" %s / %s |", human(PolicyReplay.percentile(waits, 50)), human(PolicyReplay.percentile(waits, 90))));
		}
		row.append(String.format(" %,d | %.1f%% | %s / %s | %s | %s |%n", result.outcomes().stream().filter(Outcome::superseded).count(),
				100 * result.utilisation(), human(PolicyReplay.percentile(waits(result, "pull-request", SVSM), 90)),
				human(PolicyReplay.percentile(waits(result, "pull-request", SECOND), 90)), share(result, SVSM),
				share(result, SECOND)));
		return row.toString();
	}

	/** Waits of the jobs that started (a superseded job that never started has none: its newer push's counts). */
	static List<Long> waits(PolicyReplay.Result result, String priorityClass, String repository) {
		return result.outcomes().stream()
			.filter(o -> o.started() >= 0 && o.job().priorityClass().equals(priorityClass))
			.filter(o -> repository == null || o.job().repository().equals(repository))
			.map(Outcome::waited)
			.toList();
	}

	/** The repository's share of all host time used, and its share of all host time asked for. */
	private static String share(PolicyReplay.Result result, String repository) {
		double used = result.outcomes().stream().filter(o -> o.job().repository().equals(repository)).mapToLong(Outcome::ran).sum();
		double allUsed = result.outcomes().stream().mapToLong(Outcome::ran).sum();
		double asked = result.outcomes().stream().filter(o -> o.job().repository().equals(repository)).mapToLong(o -> o.job().seconds()).sum();
		double allAsked = result.outcomes().stream().mapToLong(o -> o.job().seconds()).sum();
		return String.format("%.1f%% / %.1f%%", 100 * used / allUsed, 100 * asked / allAsked);
	}

	private static String human(long seconds) {
		return seconds < 60 ? seconds + " s" : seconds < 3600 ? seconds / 60 + " min" : String.format("%.1f h", seconds / 3600.0);
	}
}
