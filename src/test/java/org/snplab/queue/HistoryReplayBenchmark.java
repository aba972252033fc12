package org.snplab.queue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.snplab.hosts.HostRegistry;
import org.snplab.support.ServerIntegrationTest;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * How many SNP hosts does COCONUT-SVSM need? Its whole real push history (March 2022 - August 2026, 2,909 pushes)
 * through the real queue on a simulated clock, with 1, 2 and 3 hosts and an assumed job length (docs/benchmarks.md).
 * Not part of the suite: {@code mvn -B -Pbenchmark test -Dtest=HistoryReplayBenchmark}; results go to stdout and
 * {@code target/benchmarks/history-replay.md}.
 */
@EnabledIfSystemProperty(named = "snplab.benchmark", matches = "true")
class HistoryReplayBenchmark extends ServerIntegrationTest {

	@Autowired
	JobQueue queue;

	@Autowired
	RunService runs;

	@Autowired
	HostRegistry hosts;

	@Test
	void wholeHistory() throws Exception {
		List<HistoryReplay.Push> history = HistoryReplay.read(HistoryReplay.TRACE);
		StringBuilder table = new StringBuilder("""
				| SNP hosts | job length | runs | superseded (canceled) | wait p50 | wait p95 | wait p99 | wait max | host busy |
				|---:|---:|---:|---:|---:|---:|---:|---:|---:|
				""");
		for (long minutes : new long[] { 20, 45 }) {
			for (int hostCount = 1; hostCount <= 3; hostCount++) {
				emptyTables();
				long started = System.nanoTime();
				HistoryReplay.Result result = new HistoryReplay(queue, runs, hosts, db).replay(history, hostCount, minutes * 60);
				long[] waits = result.sortedWaits();
				table.append(String.format("| %d | %d min | %,d | %,d | %s | %s | %s | %s | %.1f%% |%n", hostCount, minutes,
						result.outcomes().size(), result.count("canceled"), human(HistoryReplay.percentile(waits, 50)),
						human(HistoryReplay.percentile(waits, 95)), human(HistoryReplay.percentile(waits, 99)),
						human(HistoryReplay.percentile(waits, 100)),
						100.0 * result.busySeconds() / (result.spanSeconds() * (double) hostCount)));
				System.out.printf("replayed %d pushes on %d host(s) in %d ms%n", history.size(), hostCount,
						(System.nanoTime() - started) / 1_000_000);
			}
		}
		System.out.println("\n" + table);
		Path out = Path.of("target", "benchmarks", "history-replay.md");
		Files.createDirectories(out.getParent());
		Files.writeString(out, table.toString());
	}

	private void emptyTables() {
		db.sql("truncate log_chunk, artifact, job_attempt, job, run cascade").update();
	}

	private static String human(long seconds) {
		return seconds < 60 ? seconds + " s" : seconds < 3600 ? seconds / 60 + " min" : String.format("%.1f h", seconds / 3600.0);
	}
}
