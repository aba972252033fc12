package org.snplab.results;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.snplab.support.HttpAgent;
import org.snplab.pipeline.PipelineParser;
import org.snplab.queue.RunService;
import org.snplab.support.Fixtures;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import org.snplab.web.WebFixtures;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** JUnit reports uploaded through the agent API, stored per job, and shown on the job and test pages. */
class ReportStorageIntegrationTests extends ServerIntegrationTest {

	private static final Path JUNIT = Fixtures.path("junit");

	@Autowired
	RunService runs;

	@Autowired
	TestReports reports;

	@Test
	void realReportsAreStoredPerJobAndABrokenOneIsRecordedWithItsErrorWhileTheUploadSucceeds() throws Exception {
		runs.queue(new RunService.Origin("file:///svsm", "main", "c".repeat(40), "api"), WebFixtures.pipeline("tests"));
		HttpAgent agent = new HttpAgent(baseUrl(), "milan-1", Map.of());
		long job = agent.claim();

		assertThat(agent.upload(job, "junit", "surefire.xml", JUNIT.resolve("TEST-surefire-failures-cdata-mikepenz.xml"))).isEqualTo(204);
		assertThat(agent.upload(job, "junit", "pytest.xml", JUNIT.resolve("pytest-failures-oneline-mikepenz.xml"))).isEqualTo(204);
		assertThat(agent.upload(job, "junit", "ok.xml", JUNIT.resolve("TEST-surefire-all-ok-mikepenz.xml"))).isEqualTo(204);
		assertThat(agent.upload(job, "junit", "broken.xml", JUNIT.resolve("TEST-surefire3-MALFORMED-unclosed-cdata-mikepenz.xml"))).isEqualTo(204);

		assertThat(reports.reports(job)).extracting(TestReports.Report::fileName, TestReports.Report::passed,
				TestReports.Report::failed, TestReports.Report::skipped)
			.containsExactly(
					org.assertj.core.groups.Tuple.tuple("broken.xml", 0, 0, 0),
					org.assertj.core.groups.Tuple.tuple("ok.xml", reports.reports(job).get(1).passed(), 0, 0),
					org.assertj.core.groups.Tuple.tuple("pytest.xml", 1, 2, 0),
					org.assertj.core.groups.Tuple.tuple("surefire.xml", 0, 2, 0));
		assertThat(reports.reports(job).get(1).passed()).isPositive();
		assertThat(reports.reports(job).get(0).error()).startsWith("broken.xml line 18, column 26:")
			.contains("must start and end within the same entity");
		assertThat(reports.failing(job)).extracting(TestReports.Case::test)
			.contains("python.test_sample.test_which_fails", "action.surefire.report.calc.CalcUtilsTest.test error handling");
		assertThat(reports.failing(job)).filteredOn(c -> c.test().endsWith("test_which_fails")).singleElement()
			.satisfies(c -> assertThat(c.message()).startsWith("AssertionError: assert 'test' == 'xyz'"));

		String page = HttpApi.anonymous(baseUrl()).get("/jobs/" + job).body();
		assertThat(page).contains("broken.xml").contains("python.test_sample.test_which_fails")
			.contains("AssertionError: assert &#39;test&#39; == &#39;xyz&#39;");
	}

	@Test
	void aJobWhoseStepsPassedButWhoseTestsFailedHasFailed() throws Exception {
		runs.queue(new RunService.Origin("file:///svsm", "main", "e".repeat(40), "api"), WebFixtures.pipeline("tests"));
		HttpAgent agent = new HttpAgent(baseUrl(), "milan-3", Map.of());
		long job = agent.claim();
		agent.upload(job, "junit", "pytest.xml", JUNIT.resolve("pytest-failures-oneline-mikepenz.xml"));
		agent.upload(job, "junit", "ok.xml", JUNIT.resolve("TEST-surefire-all-ok-mikepenz.xml"));

		assertThat(agent.finish(job, "passed", "")).isEqualTo(200);
		assertThat(agent.finish(job, "passed", "")).as("the agent's resent report changes nothing").isEqualTo(200);

		var view = HttpApi.anonymous(baseUrl()).get("/api/jobs/" + job).json();
		assertThat(view.get("state").asString()).isEqualTo("failed");
		assertThat(view.get("reason").asString()).isEqualTo("2 tests failed");
	}

	@Test
	void aJobThatPassesWithFailedTestsWhenItSaysSoOrWhenItsTestsPassed() throws Exception {
		runs.queue(new RunService.Origin("file:///svsm", "main", "f".repeat(40), "api"), PipelineParser.parse("""
				jobs:
				  informational:
				    steps: [ "true" ]
				    reports: { junit: [ "*.xml" ], fail-on-test-failure: false }
				"""));
		runs.queue(new RunService.Origin("file:///svsm", "main", "f".repeat(40), "api"), WebFixtures.pipeline("green"));
		HttpAgent agent = new HttpAgent(baseUrl(), "milan-4", Map.of());
		long informational = agent.claim();
		agent.upload(informational, "junit", "pytest.xml", JUNIT.resolve("pytest-failures-oneline-mikepenz.xml"));
		agent.finish(informational, "passed", "");
		long green = agent.claim();
		agent.upload(green, "junit", "ok.xml", JUNIT.resolve("TEST-surefire-all-ok-mikepenz.xml"));
		agent.finish(green, "passed", "");

		assertThat(HttpApi.anonymous(baseUrl()).get("/api/jobs/" + informational).json().get("state").asString())
			.isEqualTo("passed");
		assertThat(HttpApi.anonymous(baseUrl()).get("/api/jobs/" + green).json().get("state").asString()).isEqualTo("passed");
	}

	@Test
	void aTestThatFailedAndPassedOnTheSameCommitIsMarkedFlakyAndItsHistorySpansRuns() throws Exception {
		String commit = "d".repeat(40);
		runs.queue(new RunService.Origin("file:///svsm", "main", commit, "api"), WebFixtures.pipeline("first"));
		runs.queue(new RunService.Origin("file:///svsm", "main", commit, "api"), WebFixtures.pipeline("second"));
		HttpAgent agent = new HttpAgent(baseUrl(), "genoa-1", Map.of());
		long failedJob = agent.claim();
		agent.upload(failedJob, "junit", "r.xml", report("failure"));
		agent.finish(failedJob, "failed", "tests failed");
		long passedJob = agent.claim();
		agent.upload(passedJob, "junit", "r.xml", report(null));

		assertThat(reports.failing(failedJob)).singleElement().satisfies(c -> {
			assertThat(c.test()).isEqualTo("svsm.Mem.test_alloc");
			assertThat(c.flakyOnCommit()).isTrue();
		});
		assertThat(reports.flakyOn("svsm.Mem.test_alloc", commit)).isTrue();
		assertThat(reports.history("svsm.Mem.test_alloc", 10)).extracting(TestReports.HistoryEntry::status)
			.containsExactly("passed", "failed");
		assertThat(HttpApi.anonymous(baseUrl()).get("/jobs/" + failedJob).body()).contains("flaky: also passed on this commit");
		assertThat(HttpApi.anonymous(baseUrl()).get("/tests?name=svsm.Mem.test_alloc").status()).isEqualTo(200);
	}

	private static Path report(String failure) throws Exception {
		Path file = Files.createTempFile("junit", ".xml");
		String result = failure == null ? "" : "<" + failure + " message=\"boom\">trace</" + failure + ">";
		Files.writeString(file, "<testsuite name=\"mem\" tests=\"1\"><testcase classname=\"svsm.Mem\" name=\"test_alloc\">"
				+ result + "</testcase></testsuite>");
		return file;
	}
}
