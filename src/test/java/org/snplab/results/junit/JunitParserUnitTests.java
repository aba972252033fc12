package org.snplab.results.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.results.junit.TestCase.Status;
import org.snplab.support.Fixtures;

/**
 * Expected numbers below were counted by reading each fixture, not taken from the parser's output.
 */
class JunitParserUnitTests {

	private static final Path FIXTURES = Fixtures.path("junit");

	private static final Duration QUICK = Duration.ofSeconds(10);

	private final JunitParser parser = new JunitParser(50L * 1024 * 1024, 64 * 1024);

	// ---------------------------------------------------------------- fixtures

	@Test
	void countsFailuresInSurefireReportWithProperties() throws Exception {
		TestReport report = parse("TEST-surefire-2.13-failures-properties-apache.xml");

		assertCounts(report, 2, 2, 0, 0);
		assertThat(report.passed()).isZero();
		TestCase first = named(report, "defaultTestValueIs_Value");
		assertThat(first.status()).isEqualTo(Status.FAILED);
		assertThat(first.suite()).isEqualTo("org.apache.maven.surefire.test.FailingTest");
		assertThat(first.className()).isEqualTo("org.apache.maven.surefire.test.FailingTest");
		assertThat(first.timeSeconds()).isEqualTo(0.013);
		assertThat(first.type()).isEqualTo("java.lang.AssertionError");
		// literal newlines in an attribute value are normalised to spaces by XML itself
		assertThat(first.message()).isEqualTo(" Expected: \"wrong\"      got: \"value\" ");
		assertThat(first.details()).startsWith("java.lang.AssertionError: \nExpected: \"wrong\"\n     got: \"value\"\n")
			.contains("at org.apache.maven.surefire.test.FailingTest.defaultTestValueIs_Value(FailingTest.java:23)");
		assertThat(first.systemOut()).isNull();
		assertThat(named(report, "setTestAndRetrieveValue").message())
			.isEqualTo(" Expected: \"bar\"      got: \"foo\" ");
	}

	@Test
	void countsSinglePassingSurefireCase() throws Exception {
		TestReport report = parse("TEST-surefire-all-ok-mikepenz.xml");

		assertCounts(report, 1, 0, 0, 0);
		assertThat(report.passed()).isEqualTo(1);
		TestCase only = report.cases().get(0);
		assertThat(only.name()).isEqualTo("everythingIsFine");
		assertThat(only.className()).isEqualTo("action.surefire.report.calc.AllOkTest");
		assertThat(only.status()).isEqualTo(Status.PASSED);
		assertThat(only.timeSeconds()).isEqualTo(0.002);
		assertThat(only.message()).isNull();
		assertThat(only.flaky()).isFalse();
	}

	@Test
	void readsFailureBodiesFromCdataAndMessagesWithCharacterReferences() throws Exception {
		TestReport report = parse("TEST-surefire-failures-cdata-mikepenz.xml");

		assertCounts(report, 2, 2, 0, 0);
		TestCase scale = named(report, "test scale");
		assertThat(scale.status()).isEqualTo(Status.FAILED);
		assertThat(scale.message()).isEqualTo("\nExpected: <100.10>\n     but: was <100.11>");
		assertThat(scale.details()).startsWith("java.lang.AssertionError: \n\nExpected: <100.10>\n     but: was <100.11>\n");
		TestCase handling = named(report, "test error handling");
		assertThat(handling.message()).isEqualTo("unexpected exception type thrown; "
				+ "expected:<java.lang.IllegalStateException> but was:<java.lang.IllegalArgumentException>");
		assertThat(handling.details())
			.contains("Caused by: java.lang.IllegalArgumentException: Amount must have max 2 non-zero decimal places");
		assertThat(handling.timeSeconds()).isZero();
	}

	@Test
	void refusesMalformedReportWithUnclosedCdataNamingLineAndColumn() throws Exception {
		String file = "TEST-surefire3-MALFORMED-unclosed-cdata-mikepenz.xml";
		Throwable thrown;
		try (InputStream in = Files.newInputStream(FIXTURES.resolve(file))) {
			thrown = catchThrowable(() -> parser.parse(in, file));
		}
		// the file ends in line 18, right after "    <system-out><![CDATA[" (25 chars, no final newline)
		assertThat(thrown).isInstanceOf(JunitReportException.class)
			.hasMessageStartingWith(file + " line 18, column 26: ")
			.hasMessageContaining("XML document structures must start and end within the same entity")
			.hasMessageContaining("<testcase> \"testEM\" > <system-out>");
	}

	@Test
	void givesSuiteLevelBazelTestLogToItsCase() throws Exception {
		TestReport report = parse("bazel-system-out-cdata-testlog-enricomi.xml");

		assertCounts(report, 1, 0, 1, 0);
		TestCase c = named(report, "bazel/failing_absl_test");
		assertThat(c.status()).isEqualTo(Status.ERRORED);
		assertThat(c.message()).isEqualTo("exited with error code 1");
		assertThat(c.details()).isNull();
		assertThat(c.suite()).isEqualTo("bazel/failing_absl_test");
		assertThat(c.className()).isEmpty();
		assertThat(c.systemOut()).contains("Generated test.log (if the file is not UTF-8")
			.contains("exec ${PAGER:-/usr/bin/less} \"$0\" || exit 1")
			.contains("ModuleNotFoundError: No module named 'non_existent_package'");
		assertThat(c.systemErr()).contains("Generated test.err");
	}

	@Test
	void treatsEmptySystemOutAndErrAsAbsent() throws Exception {
		TestReport report = parse("empty-system-out-err-enricomi.xml");

		assertCounts(report, 1, 0, 0, 0);
		TestCase c = named(report, "test");
		assertThat(c.status()).isEqualTo(Status.PASSED);
		assertThat(c.className()).isEqualTo("Suite");
		assertThat(c.timeSeconds()).isEqualTo(1.234);
		assertThat(c.systemOut()).isNull();
		assertThat(c.systemErr()).isNull();
	}

	@Test
	void countsPassFailAndSkipInGoJunitReport() throws Exception {
		TestReport report = parse("go-junit-report-pass-fail-skip-system-out.xml");

		assertCounts(report, 5, 1, 0, 2);
		assertThat(report.passed()).isEqualTo(2);
		TestCase one = named(report, "TestOne");
		assertThat(one.status()).isEqualTo(Status.FAILED);
		assertThat(one.suite()).isEqualTo("package/fail");
		assertThat(one.message()).isEqualTo("Failed");
		assertThat(one.type()).isNull();
		assertThat(one.details())
			.isEqualTo("    fail_test.go:6: Error message\n    fail_test.go:7: Longer\n        error\n        message.");
		assertThat(named(report, "TestPassLog").systemOut())
			.isEqualTo("    pass_test.go:9: log line\n    pass_test.go:10: log\n        multi\n        line");
		TestCase skip = named(report, "TestSkip");
		assertThat(skip.status()).isEqualTo(Status.SKIPPED);
		assertThat(skip.message()).isEqualTo("Skipped");
		assertThat(skip.details()).isEqualTo("    skip_test.go:6: skip message");
		assertThat(named(report, "TestPass").status()).isEqualTo(Status.PASSED);
	}

	@Test
	void countsLargeMergedTestngReportWithEightHundredEightCases() throws Exception {
		TestReport report = parse("large-merged-808-testcases-pulsar-dorny.xml");

		// 808 <testcase>, one <failure>, no <error>, 14 <skipped>, never two results in one case
		assertCounts(report, 808, 1, 0, 14);
		assertThat(report.cases()).hasSize(808);
		assertThat(report.passed()).isEqualTo(793);
		List<TestCase> failed = report.cases().stream().filter(c -> c.status() == Status.FAILED).toList();
		assertThat(failed).singleElement().satisfies(c -> {
			assertThat(c.suite()).isEqualTo("org.apache.pulsar.AddMissingPatchVersionTest");
			assertThat(c.className()).isEqualTo("org.apache.pulsar.AddMissingPatchVersionTest");
			assertThat(c.name()).isEqualTo("testVersionStrings");
			assertThat(c.message()).isEqualTo("expected [1.2.1] but found [1.2.0]");
			assertThat(c.type()).isEqualTo("java.lang.AssertionError");
			assertThat(c.timeSeconds()).isEqualTo(0.017);
			assertThat(c.details()).contains("at org.testng.Assert.fail(Assert.java:99)");
		});
		// the same-named case just before it was skipped
		assertThat(report.cases().get(0).name()).isEqualTo("testVersionStrings");
		assertThat(report.cases().get(0).status()).isEqualTo(Status.SKIPPED);
		// three cases have no time attribute (read as 0), eight more say time="0.0"
		assertThat(report.cases().stream().filter(c -> c.timeSeconds() == 0.0).count()).isEqualTo(11);
		assertThat(named(report, "testSkipCorruptDataLedger").timeSeconds()).isZero();
	}

	@Test
	void countsOnlyTheWorstOfSeveralResultsPerCase() throws Exception {
		TestReport report = parse("multiple-results-per-testcase-enricomi.xml");

		assertCounts(report, 4, 1, 1, 1);
		TestCase errors = named(report, "test that errors");
		assertThat(errors.status()).isEqualTo(Status.ERRORED);
		assertThat(errors.message()).isEqualTo("test teardown failure");
		assertThat(errors.details()).isEqualTo("stdout");
		assertThat(errors.className()).isEqualTo("test class");
		assertThat(errors.suite()).isEqualTo("test suite");
		TestCase fails = named(report, "test that fails");
		assertThat(fails.status()).isEqualTo(Status.FAILED);
		assertThat(fails.message()).isEqualTo("test failure");
		assertThat(fails.details()).isEqualTo("Assertion failed");
		assertThat(named(report, "test that is skipped").status()).isEqualTo(Status.SKIPPED);
		assertThat(named(report, "test that succeeds").status()).isEqualTo(Status.PASSED);
	}

	@Test
	void countsCasesOfNestedSuitesOnceWithTheirInnermostSuite() throws Exception {
		TestReport report = parse("nested-testsuite-in-testsuite-enricomi.xml");

		assertCounts(report, 5, 0, 0, 0);
		assertThat(report.cases()).extracting(TestCase::name)
			.containsExactly("TestCase1", "TestCase2", "TestCase3", "TestCase4", "TestCase5");
		assertThat(report.cases()).extracting(TestCase::suite)
			.containsExactly("TestSuite1", "TestSuite1", "TestSuite2.1", "TestSuite2", "Project Test Suite");
		assertThat(report.cases()).allSatisfy(c -> assertThat(c.status()).isEqualTo(Status.PASSED));
		assertThat(named(report, "TestCase3").timeSeconds()).isEqualTo(1.088170);
	}

	@Test
	void takesMessageOfNextestFailureFromItsFirstLine() throws Exception {
		TestReport report = parse("nextest-failure-system-out-err-mikepenz.xml");

		assertCounts(report, 3, 1, 0, 0);
		TestCase failure = named(report, "test_failure");
		assertThat(failure.status()).isEqualTo(Status.FAILED);
		assertThat(failure.suite()).isEqualTo("oxidized_navigation::parry3d");
		assertThat(failure.type()).isEqualTo("test failure");
		// no message attribute: the first line of the body stands in
		assertThat(failure.message()).isEqualTo("thread 'test_failure' panicked at tests/parry3d.rs:154:5:");
		assertThat(failure.details()).startsWith("thread 'test_failure' panicked at tests/parry3d.rs:154:5:\n")
			.contains("assertion `left == right` failed: 0 must equal 1");
		assertThat(failure.systemOut()).contains("test test_failure ... FAILED");
		assertThat(failure.systemErr()).startsWith("thread 'test_failure' panicked");
		TestCase ok = named(report, "test_simple_navigation");
		assertThat(ok.status()).isEqualTo(Status.PASSED);
		assertThat(ok.systemOut()).contains("test test_simple_navigation ... ok");
		assertThat(ok.systemErr()).isNull();
	}

	@Test
	void usesAttributeCountsOfSuiteWithoutTestcases() throws Exception {
		TestReport report = parse("no-testcases-but-counts-enricomi.xml");

		assertCounts(report, 6, 1, 0, 2);
		assertThat(report.cases()).isEmpty();
		assertThat(report.passed()).isEqualTo(3);
	}

	@Test
	void countsFailuresInOneLinePytestReport() throws Exception {
		TestReport report = parse("pytest-failures-oneline-mikepenz.xml");

		assertCounts(report, 3, 2, 0, 0);
		TestCase fails = named(report, "test_which_fails");
		assertThat(fails.status()).isEqualTo(Status.FAILED);
		assertThat(fails.suite()).isEqualTo("pytest");
		assertThat(fails.className()).isEqualTo("python.test_sample");
		assertThat(fails.message()).isEqualTo("AssertionError: assert 'test' == 'xyz'\n  - xyz\n  + test");
		assertThat(fails.details()).startsWith("def test_which_fails():\n")
			.contains(">       assert event['attr'] == 'xyz'")
			.endsWith("python/test_sample.py:10: AssertionError");
		TestCase error = named(report, "test_with_error");
		assertThat(error.status()).isEqualTo(Status.FAILED);
		assertThat(error.message()).isEqualTo("AttributeError: 'dict' object has no attribute 'attr'");
		assertThat(named(report, "test_which_succeeds").status()).isEqualTo(Status.PASSED);
	}

	@Test
	void marksSurefireFlakyFailureAsPassedButFlaky() throws Exception {
		TestReport report = parse("surefire-flakyFailure-rerun-mikepenz.xml");

		assertCounts(report, 1, 0, 0, 0);
		assertThat(report.passed()).isEqualTo(1);
		TestCase c = named(report, "createWebhook");
		assertThat(c.status()).isEqualTo(Status.PASSED);
		assertThat(c.flaky()).isTrue();
		assertThat(c.message()).isEqualTo("\nExpected: <false>\n     but: was <true>");
		assertThat(c.type()).isEqualTo("java.lang.AssertionError");
		assertThat(c.details()).startsWith("java.lang.AssertionError: \n\nExpected: <false>\n     but: was <true>\n")
			.contains("MicrosoftTeamsCrudTest.createWebhook(MicrosoftTeamsCrudTest.java:58)");
		assertThat(c.systemErr()).isEqualTo("Some error output here");
		assertThat(c.timeSeconds()).isEqualTo(0.683);
	}

	@Test
	void decodesXmlEntitiesInNamesMessagesAndBodies() throws Exception {
		TestReport report = parse("xml-entities-enricomi.xml");

		assertCounts(report, 4, 1, 1, 2);
		TestCase quotes = named(report, "Test with \"quotes\" in the test name");
		assertThat(quotes.status()).isEqualTo(Status.SKIPPED);
		assertThat(quotes.message()).isEqualTo("A message with \"quotes\"");
		assertThat(quotes.details()).isEqualTo("Content with \"quotes\"");
		assertThat(quotes.className()).isEmpty();
		assertThat(quotes.suite()).isEmpty();
		TestCase apostrophe = named(report, "Test with 'apostrophe' in the test name");
		assertThat(apostrophe.status()).isEqualTo(Status.FAILED);
		assertThat(apostrophe.message()).isEqualTo("A message with 'apostrophes'");
		assertThat(apostrophe.details()).isEqualTo("Content with 'apostrophes'");
		TestCase ampersand = named(report, "Test with & in the test name");
		assertThat(ampersand.status()).isEqualTo(Status.ERRORED);
		assertThat(ampersand.message()).isEqualTo("A message with &");
		assertThat(named(report, "Test with < and > in the test name").details()).isEqualTo("Content with < and >");
	}

	/** A new fixture file fails this until it gets a test of its own above. */
	@Test
	void fixtureDirectoryHoldsExactlyTheFilesTestedHere() throws IOException {
		Set<String> files = new HashSet<>();
		try (Stream<Path> list = Files.list(FIXTURES)) {
			list.filter(Files::isRegularFile).forEach(p -> files.add(p.getFileName().toString()));
		}
		assertThat(files).containsExactlyInAnyOrder("TEST-surefire-2.13-failures-properties-apache.xml",
				"TEST-surefire-all-ok-mikepenz.xml", "TEST-surefire-failures-cdata-mikepenz.xml",
				"TEST-surefire3-MALFORMED-unclosed-cdata-mikepenz.xml", "bazel-system-out-cdata-testlog-enricomi.xml",
				"empty-system-out-err-enricomi.xml", "go-junit-report-pass-fail-skip-system-out.xml",
				"large-merged-808-testcases-pulsar-dorny.xml", "multiple-results-per-testcase-enricomi.xml",
				"nested-testsuite-in-testsuite-enricomi.xml", "nextest-failure-system-out-err-mikepenz.xml",
				"no-testcases-but-counts-enricomi.xml", "pytest-failures-oneline-mikepenz.xml",
				"surefire-flakyFailure-rerun-mikepenz.xml", "xml-entities-enricomi.xml");
	}

	// ---------------------------------------------------------------- hostile input

	@Test
	void refusesXxeWithoutReadingTheLocalFile(@TempDir Path dir) throws Exception {
		String secret = "TOP-SECRET-" + System.nanoTime();
		Path secretFile = Files.writeString(dir.resolve("secret.txt"), secret);
		String uri = secretFile.toUri().toString();
		List<String> attacks = List.of(
				"<?xml version=\"1.0\"?>\n<!DOCTYPE testsuite [<!ENTITY xxe SYSTEM \"" + uri + "\">]>\n"
						+ "<testsuite name=\"&xxe;\"><testcase name=\"&xxe;\"><failure message=\"&xxe;\">&xxe;</failure>"
						+ "<system-out>&xxe;</system-out></testcase></testsuite>",
				"<?xml version=\"1.0\"?>\n<!DOCTYPE testsuite [<!ENTITY % p SYSTEM \"" + uri + "\"> %p;]>\n"
						+ "<testsuite><testcase name=\"a\"/></testsuite>",
				"<?xml version=\"1.0\"?>\n<!DOCTYPE testsuite SYSTEM \"" + uri + "\">\n"
						+ "<testsuite><testcase name=\"a\"/></testsuite>");
		for (String xml : attacks) {
			Throwable thrown = assertTimeoutPreemptively(QUICK, () -> catchThrowable(() -> parse(xml, "xxe.xml")));
			assertThat(thrown).isInstanceOf(JunitReportException.class)
				.message()
				.matches("xxe\\.xml line 2, column \\d+: DOCTYPE not allowed");
			for (Throwable t = thrown; t != null; t = t.getCause()) {
				assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
			}
		}
	}

	@Test
	void refusesBillionLaughsQuickly() {
		StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
		for (int i = 1; i <= 9; i++) {
			String prev = i == 1 ? "lol" : "lol" + (i - 1);
			xml.append("<!ENTITY lol").append(i).append(" \"").append(("&" + prev + ";").repeat(10)).append("\">\n");
		}
		xml.append("]>\n<testsuite><testcase name=\"&lol9;\"><system-out>&lol9;</system-out></testcase></testsuite>");

		Throwable thrown = assertTimeoutPreemptively(QUICK, () -> catchThrowable(() -> parse(xml.toString(), "lolz.xml")));

		assertThat(thrown).isInstanceOf(JunitReportException.class)
			.hasMessageStartingWith("lolz.xml line ")
			.hasMessageEndingWith(": DOCTYPE not allowed");
	}

	@Test
	void refusesReportOverTheByteLimitNamingTheLimit() throws Exception {
		String xml = "<testsuite>" + "<testcase name=\"t\"/>".repeat(1000) + "</testsuite>";
		JunitParser small = new JunitParser(4096, 1024);

		assertThatThrownBy(() -> small.parse(stream(xml), "big.xml")).isInstanceOf(JunitReportException.class)
			.hasMessage("big.xml is larger than the limit of 4096 bytes");
		// exactly at the limit is fine
		JunitParser exact = new JunitParser(xml.getBytes(StandardCharsets.UTF_8).length, 1024);
		assertThat(exact.parse(stream(xml), "big.xml").tests()).isEqualTo(1000);
	}

	@Test
	void stopsReadingAnEndlessStreamAtTheByteLimit() {
		byte[] header = "<testsuite>".getBytes(StandardCharsets.UTF_8);
		byte[] unit = "<testcase name=\"again\"/>\n".getBytes(StandardCharsets.UTF_8);
		InputStream endless = new InputStream() {
			long pos;

			@Override
			public int read() {
				int b = pos < header.length ? header[(int) pos] : unit[(int) ((pos - header.length) % unit.length)];
				pos++;
				return b & 0xff;
			}
		};
		JunitParser parser = new JunitParser(1024 * 1024, 1024);

		Throwable thrown = assertTimeoutPreemptively(QUICK, () -> catchThrowable(() -> parser.parse(endless, "pipe.xml")));

		assertThat(thrown).isInstanceOf(JunitReportException.class)
			.hasMessage("pipe.xml is larger than the limit of 1048576 bytes");
	}

	@Test
	void truncatesHugeSystemOutWhileStreaming() throws Exception {
		int total = 20 * 1024 * 1024;
		String xml = "<testsuite><testcase name=\"noisy\"><system-out>" + "x".repeat(total)
				+ "</system-out><failure message=\"" + "m".repeat(5000) + "\"><![CDATA[" + "d".repeat(3000)
				+ "]]></failure></testcase></testsuite>";
		JunitParser parser = new JunitParser(50L * 1024 * 1024, 1000);

		TestReport report = assertTimeoutPreemptively(QUICK, () -> parser.parse(stream(xml), "noisy.xml"));

		TestCase c = report.cases().get(0);
		assertThat(c.systemOut()).isEqualTo("x".repeat(1000) + "… [truncated " + (total - 1000) + " chars]");
		assertThat(c.message()).isEqualTo("m".repeat(1000) + "… [truncated 4000 chars]");
		assertThat(c.details()).isEqualTo("d".repeat(1000) + "… [truncated 2000 chars]");
		assertThat(c.status()).isEqualTo(Status.FAILED);
	}

	@Test
	void truncatesHugeCdataSystemErrWhileStreaming() throws Exception {
		int total = 20 * 1024 * 1024;
		String xml = "<testsuites><testsuite name=\"s\"><testcase name=\"t\"/><system-err><![CDATA["
				+ "e".repeat(total) + "]]></system-err></testsuite></testsuites>";
		JunitParser parser = new JunitParser(50L * 1024 * 1024, 10);

		TestReport report = assertTimeoutPreemptively(QUICK, () -> parser.parse(stream(xml), "cdata.xml"));

		assertThat(report.cases().get(0).systemErr())
			.isEqualTo("e".repeat(10) + "… [truncated " + (total - 10) + " chars]");
	}

	@Test
	void refusesElementsNestedTooDeeply() {
		String xml = "<testsuite><testcase name=\"deep\">" + "<x>".repeat(10_000) + "</x>".repeat(10_000)
				+ "</testcase></testsuite>";

		assertThatThrownBy(() -> parse(xml, "deep.xml")).isInstanceOf(JunitReportException.class)
			.hasMessageStartingWith("deep.xml line 1, column ")
			.hasMessageEndingWith(": elements nested deeper than " + JunitParser.MAX_DEPTH);
	}

	@Test
	void refusesDocumentsThatAreNotJunitReports() {
		assertThatThrownBy(() -> parse("<html><body/></html>", "page.xml")).isInstanceOf(JunitReportException.class)
			.hasMessage("page.xml line 1, column 7: not a JUnit report: root element is <html>, "
					+ "expected <testsuites> or <testsuite>");
	}

	@Test
	void refusesGarbageWithCheckedExceptionsOnly() {
		List<byte[]> inputs = List.of(new byte[0], "not xml at all".getBytes(StandardCharsets.UTF_8),
				"<testsuite><testcase name=\"t\">".getBytes(StandardCharsets.UTF_8),
				"<testsuite><testcase name=\"&nbsp;\"/></testsuite>".getBytes(StandardCharsets.UTF_8),
				new byte[] { '<', 't', 'e', 's', 't', 's', 'u', 'i', 't', 'e', ' ', 'n', '=', '"', (byte) 0xff,
						(byte) 0xfe, '"', '/', '>' },
				new byte[] { (byte) 0xef, (byte) 0xbb, (byte) 0xbf, 0, 0, 0, 1, 2, 3 });
		for (byte[] input : inputs) {
			Throwable thrown = catchThrowable(() -> parser.parse(new ByteArrayInputStream(input), "junk.xml"));
			assertThat(thrown).as(new String(input, StandardCharsets.ISO_8859_1))
				.isInstanceOf(JunitReportException.class)
				.hasMessageStartingWith("junk.xml line ");
		}
	}

	@Test
	void reportsAFailingSourceStreamAsAReportException() {
		InputStream broken = new InputStream() {
			@Override
			public int read() throws IOException {
				throw new IOException("connection reset");
			}
		};

		assertThatThrownBy(() -> parser.parse(broken, "upload.xml")).isInstanceOf(JunitReportException.class)
			.hasMessageStartingWith("upload.xml")
			.hasMessageContaining("connection reset");
	}

	@Test
	void readsSurefireRerunFailuresAsFailedAndStatusAttributeAsSkipped() throws Exception {
		String xml = """
				<testsuites tests="3">
				  <testsuite name="s">
				    <testcase name="stillBroken" classname="C">
				      <failure message="boom" type="AE">trace</failure>
				      <rerunFailure message="boom again" type="AE"><stackTrace>trace 2</stackTrace></rerunFailure>
				    </testcase>
				    <testcase name="errsOnRerun"><rerunError message="kaput"><stackTrace>t</stackTrace></rerunError></testcase>
				    <testcase name="ctestNotRun" status="notrun"/>
				  </testsuite>
				</testsuites>
				""";

		TestReport report = parse(xml, "rerun.xml");

		assertCounts(report, 3, 1, 1, 1);
		assertThat(named(report, "stillBroken").message()).isEqualTo("boom");
		assertThat(named(report, "stillBroken").flaky()).isFalse();
		assertThat(named(report, "errsOnRerun").status()).isEqualTo(Status.ERRORED);
		assertThat(named(report, "errsOnRerun").details()).isEqualTo("t");
		assertThat(named(report, "ctestNotRun").status()).isEqualTo(Status.SKIPPED);
	}

	// ---------------------------------------------------------------- helpers

	private TestReport parse(String fixture) throws IOException, JunitReportException {
		try (InputStream in = Files.newInputStream(FIXTURES.resolve(fixture))) {
			return parser.parse(in, fixture);
		}
	}

	private TestReport parse(String xml, String name) throws JunitReportException {
		return parser.parse(stream(xml), name);
	}

	private static InputStream stream(String xml) {
		return new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8));
	}

	private static void assertCounts(TestReport report, int tests, int failures, int errors, int skipped) {
		assertThat(List.of(report.tests(), report.failures(), report.errors(), report.skipped()))
			.as("tests, failures, errors, skipped")
			.containsExactly(tests, failures, errors, skipped);
	}

	private static TestCase named(TestReport report, String name) {
		List<TestCase> found = report.cases().stream().filter(c -> c.name().equals(name)).toList();
		assertThat(found).as("cases named " + name).hasSize(1);
		return found.get(0);
	}
}
