package org.snplab.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Page timings with 1,000,000 jobs (docs/benchmarks.md). Not part of the suite: its name matches no test pattern
 * and it only runs with {@code -Dsnplab.benchmark=true}, which the benchmark profile sets:
 * {@code mvn -B -Pbenchmark test -Dtest=MillionJobsBenchmark}.
 * Results go to stdout and target/benchmark-dashboard.txt.
 */
@EnabledIfSystemProperty(named = "snplab.benchmark", matches = "true")
class MillionJobsBenchmark extends ServerIntegrationTest {

	private static final int WARMUP = 20;

	private static final int MEASURED = 100;

	@Test
	void overviewAndRunsListWithAMillionJobs() throws Exception {
		long start = System.nanoTime();
		String script = new String(getClass().getResourceAsStream("/bench/dashboard-million-jobs.sql").readAllBytes());
		for (String statement : script.replaceAll("(?m)^--.*$", "").split(";\\s*\\n")) {
			if (!statement.isBlank()) {
				db.sql(statement).update();
			}
		}
		long generated = (System.nanoTime() - start) / 1_000_000;
		long jobs = db.sql("select count(*) from job").query(Long.class).single();
		assertThat(jobs).isEqualTo(1_000_000);
		long lastRun = db.sql("select max(id) from run").query(Long.class).single();
		long midRun = lastRun - 100_000;

		List<String> report = new ArrayList<>();
		report.add("generated " + jobs + " jobs in " + generated + " ms");
		for (String page : List.of("/", "/runs", "/runs?before=" + midRun, "/runs?state=failed",
				"/runs?ref=main&trigger=push", "/runs?repository=https://github.com/coconut-svsm/linux&state=failed&before=" + midRun,
				"/runs/" + lastRun, "/hosts")) {
			report.add(measure(page));
		}
		report.forEach(System.out::println);
		Files.write(Path.of("target/benchmark-dashboard.txt"), report);
	}

	private String measure(String page) {
		HttpApi api = HttpApi.anonymous(baseUrl());
		for (int i = 0; i < WARMUP; i++) {
			assertThat(api.get(page).status()).isEqualTo(200);
		}
		List<Double> millis = new ArrayList<>();
		for (int i = 0; i < MEASURED; i++) {
			long t = System.nanoTime();
			api.get(page);
			millis.add((System.nanoTime() - t) / 1e6);
		}
		Collections.sort(millis);
		return "%-90s median %6.1f ms  p95 %6.1f ms  max %6.1f ms".formatted(page, millis.get(MEASURED / 2),
				millis.get(MEASURED * 95 / 100), millis.get(MEASURED - 1));
	}
}
