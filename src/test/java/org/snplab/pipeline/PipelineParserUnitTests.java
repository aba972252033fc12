package org.snplab.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PipelineParserUnitTests {

	static final String EXAMPLE = """
			on: { push: { branches: [main] }, pull_request: {}, schedule: [ { cron: "0 0 3 * * ?" } ] }
			jobs:
			  test-in-svsm:                      # the job's name
			    requires: { sev_snp: true, cpu.generation: [genoa, turin], qemu.version: ">=11.0", labels: [coconut] }
			    timeout: 30m
			    priority: 50
			    env: { RELEASE: "1" }
			    steps: [ "make bin/coconut-test-qemu.igvm", "./scripts/test-in-svsm.sh --timeout 180" ]
			    artifacts: [ "*.log" ]
			    reports: { junit: [ "target/reports/*.xml" ] }
			""";

	static PipelineException error(String yaml) {
		try {
			Pipeline p = PipelineParser.parse(yaml);
			return fail("expected a PipelineException, got " + p);
		}
		catch (PipelineException e) {
			return e;
		}
	}

	static Pipeline parse(String yaml) {
		try {
			return PipelineParser.parse(yaml);
		}
		catch (PipelineException e) {
			return fail("unexpected: " + e.getMessage());
		}
	}

	static JobSpec onlyJob(String jobBody) {
		Pipeline p = parse("jobs:\n  j:\n" + jobBody.indent(4));
		assertThat(p.jobs()).hasSize(1);
		return p.jobs().get(0);
	}

	// ---- the example ----

	@Test
	void parsesTheDocumentedExampleToExactlyTheExpectedValues() {
		Pipeline p = parse(EXAMPLE);

		Requirements requires = new Requirements(List.of(
				new Requirement("sev_snp", Requirement.Op.EQ, List.of("true")),
				new Requirement("cpu.generation", Requirement.Op.ONE_OF, List.of("genoa", "turin")),
				new Requirement("qemu.version", Requirement.Op.GE, List.of("11.0"))), List.of("coconut"));
		Pipeline expected = new Pipeline(
				new Triggers(new Triggers.Push(List.of("main"), List.of()), new Triggers.PullRequest(List.of(), false),
						List.of("0 0 3 * * ?")),
				List.of(new JobSpec("test-in-svsm", requires, Duration.ofMinutes(30), 50, Map.of("RELEASE", "1"),
						List.of("make bin/coconut-test-qemu.igvm", "./scripts/test-in-svsm.sh --timeout 180"),
						List.of("*.log"), List.of("target/reports/*.xml"))));
		assertThat(p).isEqualTo(expected);
		assertThat(p.jobs().get(0).requires().describe())
			.isEqualTo("sev_snp=true, cpu.generation in [genoa, turin], qemu.version>=11.0, labels [coconut]");
	}

	@Test
	void appliesDefaultsForOmittedJobFields() {
		JobSpec job = onlyJob("steps: [make]");

		assertThat(job.name()).isEqualTo("j");
		assertThat(job.requires()).isEqualTo(Requirements.none());
		assertThat(job.timeout()).isEqualTo(Duration.ofMinutes(60));
		assertThat(job.priority()).isZero();
		assertThat(job.env()).isEmpty();
		assertThat(job.artifacts()).isEmpty();
		assertThat(job.junit()).isEmpty();
	}

	@Test
	void keepsJobsInFileOrder() {
		Pipeline p = parse("""
				jobs:
				  zeta: { steps: [a] }
				  alpha: { steps: [b] }
				  mid: { steps: [c] }
				""");

		assertThat(p.jobs()).extracting(JobSpec::name).containsExactly("zeta", "alpha", "mid");
	}

	// ---- on ----

	@Test
	void missingOnMeansPushToAnyBranchAndPullRequestsTrigger() {
		Triggers on = parse("jobs: { j: { steps: [make] } }").on();

		assertThat(on.push()).isNotNull();
		assertThat(on.push().matchesBranch("main")).isTrue();
		assertThat(on.push().matchesBranch("feature/x")).isTrue();
		assertThat(on.push().matchesTag("v1.0")).isFalse();
		assertThat(on.pullRequest()).isNotNull();
		assertThat(on.pullRequest().matchesBase("anything")).isTrue();
		assertThat(on.pullRequest().drafts()).isFalse();
		assertThat(on.schedules()).isEmpty();
	}

	@Test
	void readsOnAsTheTriggerKeyNotAsYamlBooleanTrue() {
		Triggers plain = parse("on: { schedule: [ { cron: \"0 0 3 * * ?\" } ] }\njobs: { j: { steps: [make] } }").on();
		Triggers quoted = parse("\"on\": { schedule: [ { cron: \"0 0 3 * * ?\" } ] }\njobs: { j: { steps: [make] } }").on();

		for (Triggers on : List.of(plain, quoted)) {
			assertThat(on.push()).isNull();
			assertThat(on.pullRequest()).isNull();
			assertThat(on.schedules()).containsExactly("0 0 3 * * ?");
		}
	}

	@Test
	void onWithOnlyPushDoesNotTriggerOnPullRequests() {
		Triggers on = parse("on:\n  push:\njobs: { j: { steps: [make] } }").on();

		assertThat(on.push()).isEqualTo(new Triggers.Push(List.of(), List.of()));
		assertThat(on.pullRequest()).isNull();
	}

	@Test
	void matchesPushBranchesAndTagsByGlob() {
		Triggers.Push push = parse("""
				on:
				  push: { branches: [main, "release/*"], tags: ["v*"] }
				jobs: { j: { steps: [make] } }
				""").on().push();

		assertThat(push.matchesBranch("main")).isTrue();
		assertThat(push.matchesBranch("release/1.2")).isTrue();
		assertThat(push.matchesBranch("release/1.2/hotfix")).isFalse();
		assertThat(push.matchesBranch("mainline")).isFalse();
		assertThat(push.matchesTag("v1.0")).isTrue();
		assertThat(push.matchesTag("1.0")).isFalse();
	}

	@Test
	void doubleStarGlobCrossesSlashes() {
		Triggers.Push push = new Triggers.Push(List.of("users/**"), List.of());

		assertThat(push.matchesBranch("users/jo/fix/deep")).isTrue();
		assertThat(push.matchesBranch("user/jo")).isFalse();
	}

	@Test
	void readsPullRequestBaseBranchesAndDrafts() {
		Triggers.PullRequest pr = parse("""
				on:
				  pull_request: { branches: [main], drafts: true }
				jobs: { j: { steps: [make] } }
				""").on().pullRequest();

		assertThat(pr.drafts()).isTrue();
		assertThat(pr.matchesBase("main")).isTrue();
		assertThat(pr.matchesBase("dev")).isFalse();
	}

	@Test
	void acceptsShortFormsOfOn() {
		Triggers scalar = parse("on: push\njobs: { j: { steps: [make] } }").on();
		Triggers list = parse("on: [push, pull_request]\njobs: { j: { steps: [make] } }").on();

		assertThat(scalar.push()).isNotNull();
		assertThat(scalar.pullRequest()).isNull();
		assertThat(list.push()).isNotNull();
		assertThat(list.pullRequest()).isNotNull();
	}

	@Test
	void rejectsEmptyOn() {
		PipelineException e = error("on: {}\njobs: { j: { steps: [make] } }");

		assertThat(e.line()).isEqualTo(1);
		assertThat(e.problem()).contains("`on` is empty");
	}

	@Test
	void rejectsInvalidCronWithLineAndExpression() {
		PipelineException e = error("""
				on:
				  schedule:
				    - cron: "0 0 3 * * ?"
				    - cron: "0 0 25 * * ?"
				jobs: { j: { steps: [make] } }
				""");

		assertThat(e.line()).isEqualTo(4);
		assertThat(e.problem()).contains("not a valid Quartz cron expression").contains("`0 0 25 * * ?`");
	}

	@Test
	void rejectsUnknownTriggerWithSuggestion() {
		PipelineException e = error("on:\n  pull-request: {}\njobs: { j: { steps: [make] } }");

		assertThat(e.line()).isEqualTo(2);
		assertThat(e.problem()).isEqualTo("unknown key `pull-request` in `on`; did you mean `pull_request`?");
	}

	@Test
	void rejectsNonBooleanDrafts() {
		PipelineException e = error("on:\n  pull_request: { drafts: sometimes }\njobs: { j: { steps: [make] } }");

		assertThat(e.line()).isEqualTo(2);
		assertThat(e.problem()).isEqualTo("`drafts` must be true or false, got `sometimes`");
	}

	// ---- errors: keys ----

	@Test
	void rejectsUnknownKeyWithLineAndSuggestion() {
		PipelineException e = error("""
				jobs:
				  build:
				    timeout: 10m
				    step: [make]
				""");

		assertThat(e.line()).isEqualTo(4);
		assertThat(e.problem()).isEqualTo("unknown key `step` in job `build`; did you mean `steps`?");
		assertThat(e.getMessage()).isEqualTo(".snplab.yml line 4: unknown key `step` in job `build`; did you mean `steps`?");
	}

	@Test
	void rejectsUnknownKeyWithoutCloseMatchByListingTheKnownKeys() {
		PipelineException e = error("jobs:\n  build:\n    steps: [make]\n    container: ubuntu\n");

		assertThat(e.line()).isEqualTo(4);
		assertThat(e.problem()).startsWith("unknown key `container` in job `build` (expected one of requires, timeout");
	}

	@Test
	void rejectsUnknownTopLevelKeyWithSuggestion() {
		PipelineException e = error("job:\n  build: { steps: [make] }\n");

		assertThat(e.line()).isEqualTo(1);
		assertThat(e.problem()).isEqualTo("unknown key `job` in the file; did you mean `jobs`?");
	}

	@Test
	void rejectsDuplicateJobNamesNamingBothLines() {
		PipelineException e = error("""
				jobs:
				  build: { steps: [make] }
				  test: { steps: [make test] }
				  build: { steps: [make all] }
				""");

		assertThat(e.line()).isEqualTo(4);
		assertThat(e.problem()).isEqualTo("duplicate job name `build` (first defined on line 2)");
	}

	@Test
	void rejectsDuplicateKeysInsideAJob() {
		PipelineException e = error("jobs:\n  build:\n    steps: [a]\n    steps: [b]\n");

		assertThat(e.line()).isEqualTo(4);
		assertThat(e.problem()).contains("duplicate key `steps`");
	}

	@Test
	void rejectsMergeKeys() {
		PipelineException e = error("""
				base: &base { timeout: 5m }
				jobs:
				  build:
				    <<: *base
				    steps: [make]
				""");

		assertThat(e.line()).isEqualTo(1);
		assertThat(e.problem()).contains("unknown key `base`");
		PipelineException merge = error("jobs:\n  build:\n    <<: { timeout: 5m }\n    steps: [make]\n");
		assertThat(merge.line()).isEqualTo(3);
		assertThat(merge.problem()).contains("keys must be plain names");
	}

	@ParameterizedTest
	@ValueSource(strings = { "-build", "has space", "a/b", "x12345678901234567890123456789012345678901234567890123456789012345" })
	void rejectsInvalidJobNames(String name) {
		PipelineException e = error("jobs:\n  \"" + name + "\": { steps: [make] }\n");

		assertThat(e.line()).isEqualTo(2);
		assertThat(e.problem()).startsWith("job name `" + name + "` must start with a letter or digit");
	}

	@Test
	void acceptsJobNamesWithDotsDashesAndUnderscores() {
		assertThat(parse("jobs: { Build_1.x-y: { steps: [make] } }").jobs().get(0).name()).isEqualTo("Build_1.x-y");
	}

	@Test
	void rejectsMoreThanOneHundredJobs() {
		StringBuilder y = new StringBuilder("jobs:\n");
		for (int i = 0; i < 101; i++) {
			y.append("  j").append(i).append(": { steps: [make] }\n");
		}
		PipelineException e = error(y.toString());

		assertThat(e.line()).isEqualTo(102);
		assertThat(e.problem()).contains("too many jobs: 101");
		assertThat(parse(y.toString().replaceAll("(?s)  j100:.*", "")).jobs()).hasSize(100);
	}

	// ---- errors: file level ----

	@ParameterizedTest
	@ValueSource(strings = { "", "   \n", "# only a comment\n" })
	void rejectsEmptyFile(String text) {
		PipelineException e = error(text);

		assertThat(e.line()).isZero();
		assertThat(e.problem()).contains("empty");
		assertThat(e.getMessage()).startsWith(".snplab.yml: ");
	}

	@Test
	void rejectsFileThatIsNotAMapping() {
		PipelineException e = error("- make\n- make test\n");

		assertThat(e.line()).isEqualTo(1);
		assertThat(e.problem()).isEqualTo("the file must be a mapping with `jobs:` (and optionally `on:`), got a list");
	}

	@Test
	void rejectsMissingOrEmptyJobs() {
		assertThat(error("on: push\n").problem()).contains("`jobs` is missing");
		assertThat(error("jobs:\n").problem()).contains("`jobs` is empty");
		assertThat(error("jobs: {}\n").problem()).contains("`jobs` is empty");
		assertThat(error("jobs: [a, b]\n").problem()).contains("`jobs` must be a mapping");
	}

	@Test
	void reportsYamlSyntaxErrorsWithTheirLine() {
		PipelineException e = error("""
				jobs:
				  build:
				    steps: [make
				    timeout: 5m
				  other: {steps: [x]}
				""");

		assertThat(e.line()).isEqualTo(4);
		assertThat(e.problem()).startsWith("invalid YAML: ");
		PipelineException tab = error("jobs:\n  build:\n\tsteps: [make]\n");
		assertThat(tab.line()).isEqualTo(3);
	}

	@Test
	void hintsToQuoteUnquotedComparisons() {
		PipelineException e = error("jobs:\n  j:\n    steps: [make]\n    requires:\n      qemu.version: >=11.0\n");

		assertThat(e.line()).isEqualTo(5);
		assertThat(e.problem()).startsWith("invalid YAML: ").endsWith("quote comparisons, e.g. qemu.version: \">=11.0\"");
	}

	@Test
	void pointsOutAJobKeyThatIsNotIndentedUnderItsJob() {
		PipelineException e = error("jobs:\n  j:\n    steps: [make]\n  timeout: 5m\n");

		assertThat(e.line()).isEqualTo(4);
		assertThat(e.problem()).isEqualTo(
				"job `timeout` must be a mapping, got `5m`; is `timeout` meant to be indented under a job?");
	}

	@Test
	void rejectsSeveralYamlDocuments() {
		PipelineException e = error("jobs: { a: { steps: [x] } }\n---\njobs: { b: { steps: [y] } }\n");

		assertThat(e.problem()).startsWith("invalid YAML: ");
		assertThat(e.line()).isEqualTo(2);
	}

	@Test
	void rejectsAliasBombCleanly() {
		String bomb = """
				a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
				b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
				c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
				d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
				e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
				f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
				g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
				jobs: { j: { steps: *g } }
				""";

		PipelineException e = error(bomb);

		assertThat(e.problem()).contains("too many aliases");
	}

	@Test
	void rejectsMoreThanTenAliasesToCollections() {
		StringBuilder y = new StringBuilder("jobs:\n  j0: { steps: &s [make] }\n");
		for (int i = 1; i <= 11; i++) {
			y.append("  j").append(i).append(": { steps: *s }\n");
		}

		assertThat(error(y.toString()).problem()).contains("too many aliases");
		assertThat(parse(y.toString().replace("  j11: { steps: *s }\n", "")).jobs()).hasSize(11);
	}

	@Test
	void allowsAFewAliases() {
		Pipeline p = parse("""
				jobs:
				  a: { steps: &s [make, make test] }
				  b: { steps: *s }
				""");

		assertThat(p.jobs().get(1).steps()).containsExactly("make", "make test");
	}

	@Test
	void rejectsFilesLargerThan256KiB() {
		String big = "jobs: { j: { steps: [make] } }\n" + "#".repeat(256 * 1024) + "\n";

		PipelineException e = error(big);

		assertThat(e.line()).isZero();
		assertThat(e.problem()).contains("256 KiB");
	}

	@Test
	void rejectsDeeplyNestedYaml() {
		String deep = "jobs: { j: { steps: [make], env: { X: " + "[".repeat(40) + "]".repeat(40) + " } } }\n";

		assertThat(error(deep).problem()).contains("nested too deeply");
	}

	// ---- errors: job fields ----

	@Test
	void rejectsUnparseableTimeoutWithLineAndValue() {
		String yaml = """
				jobs:
				  build:
				    steps: [make]
				    env:
				      A: "1"
				      B: "2"
				      C: "3"
				    priority: 5
				    timeout: thirty
				""";

		PipelineException e = error(yaml);

		assertThat(e.getMessage()).isEqualTo(".snplab.yml line 9: `timeout` must be a duration like 30m, got `thirty`");
	}

	@ParameterizedTest
	@CsvSource({ "90s, PT1M30S", "30m, PT30M", "1h30m, PT1H30M", "2h, PT2H", "24h, PT24H", "1h0m5s, PT1H5S" })
	void parsesTimeouts(String text, Duration expected) {
		assertThat(onlyJob("steps: [make]\ntimeout: " + text).timeout()).isEqualTo(expected);
	}

	@ParameterizedTest
	@CsvSource({ "25h, at most 24h", "24h1s, at most 24h", "0m, longer than 0s", "30, a duration like 30m",
			"30m1h, a duration like 30m", "1.5h, a duration like 30m" })
	void rejectsBadTimeouts(String text, String message) {
		PipelineException e = error("jobs:\n  j:\n    steps: [make]\n    timeout: " + text + "\n");

		assertThat(e.line()).isEqualTo(4);
		assertThat(e.problem()).contains(message).contains("`" + text + "`");
	}

	@ParameterizedTest
	@ValueSource(strings = { "0", "1000", "50" })
	void acceptsPrioritiesFromZeroToOneThousand(String text) {
		assertThat(onlyJob("steps: [make]\npriority: " + text).priority()).isEqualTo(Integer.parseInt(text));
	}

	@ParameterizedTest
	@ValueSource(strings = { "1001", "-1", "high", "5.5", "99999999999" })
	void rejectsPrioritiesOutsideTheRange(String text) {
		PipelineException e = error("jobs:\n  j:\n    steps: [make]\n    priority: " + text + "\n");

		assertThat(e.line()).isEqualTo(4);
		assertThat(e.problem()).isEqualTo("`priority` must be an integer from 0 to 1000, got `" + text + "`");
	}

	@Test
	void stringifiesEnvValuesByTheirTextInFileOrder() {
		JobSpec job = onlyJob("""
				steps: [make]
				env:
				  ZED: 1.10
				  DEBUG: true
				  A_B: yes
				  EMPTY:
				  _Q: "quoted"
				""");

		Map<String, String> expected = new LinkedHashMap<>();
		expected.put("ZED", "1.10");
		expected.put("DEBUG", "true");
		expected.put("A_B", "yes");
		expected.put("EMPTY", "");
		expected.put("_Q", "quoted");
		assertThat(job.env()).containsExactlyEntriesOf(expected);
	}

	@Test
	void rejectsBadEnvNamesAndNonScalarValues() {
		PipelineException name = error("jobs:\n  j:\n    steps: [make]\n    env:\n      1X: a\n");
		PipelineException value = error("jobs:\n  j:\n    steps: [make]\n    env:\n      X: [a, b]\n");

		assertThat(name.line()).isEqualTo(5);
		assertThat(name.problem()).contains("`1X`");
		assertThat(value.line()).isEqualTo(5);
		assertThat(value.problem()).isEqualTo("`env.X` must be a string, got a list");
	}

	@Test
	void rejectsMissingOrEmptySteps() {
		PipelineException missing = error("jobs:\n  build:\n    timeout: 5m\n");
		PipelineException empty = error("jobs:\n  build:\n    steps: []\n");
		PipelineException nothing = error("jobs:\n  build:\n");

		assertThat(missing.line()).isEqualTo(2);
		assertThat(missing.problem()).isEqualTo("job `build` needs `steps`");
		assertThat(empty.line()).isEqualTo(3);
		assertThat(empty.problem()).isEqualTo("`steps` must not be empty");
		assertThat(nothing.line()).isEqualTo(2);
		assertThat(nothing.problem()).isEqualTo("job `build` is empty; it needs `steps`");
	}

	@Test
	void rejectsStepsThatAreNotStrings() {
		PipelineException e = error("jobs:\n  build:\n    steps:\n      - make\n      - run: make test\n");

		assertThat(e.line()).isEqualTo(5);
		assertThat(e.problem()).isEqualTo("each of `steps` must be a shell command (a string), got a mapping");
	}

	@Test
	void acceptsASingleStringWhereAListIsExpected() {
		JobSpec job = onlyJob("steps: make\nartifacts: \"*.log\"");

		assertThat(job.steps()).containsExactly("make");
		assertThat(job.artifacts()).containsExactly("*.log");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "/etc/passwd | relative", "../secret | `..`", "out/../../x | `..`",
			"C:/x | relative", "~/.ssh/id_rsa | relative" })
	void rejectsArtifactPathsOutsideTheCheckout(String glob, String message) {
		PipelineException artifacts = error("jobs:\n  j:\n    steps: [make]\n    artifacts: [\"" + glob + "\"]\n");
		PipelineException junit = error(
				"jobs:\n  j:\n    steps: [make]\n    reports:\n      junit: [\"" + glob + "\"]\n");

		assertThat(artifacts.line()).isEqualTo(4);
		assertThat(artifacts.problem()).contains("`artifacts` entry `" + glob + "`").contains(message);
		assertThat(junit.line()).isEqualTo(5);
		assertThat(junit.problem()).contains("`junit` entry `" + glob + "`").contains(message);
	}

	@Test
	void rejectsUnknownReportKind() {
		PipelineException e = error("jobs:\n  j:\n    steps: [make]\n    reports: { junt: [a.xml] }\n");

		assertThat(e.line()).isEqualTo(4);
		assertThat(e.problem()).isEqualTo("unknown key `junt` in `reports`; did you mean `junit`?");
	}

	// ---- requires ----

	@Test
	void readsRequirementPredicates() {
		Requirements r = onlyJob("""
				steps: [make]
				requires:
				  sev_snp: yes
				  cpu.family: 25
				  cpu.generation: [turin, genoa]
				  kernel.release: ">= 6.11"
				  snp.firmware: "> 1.51"
				  memory.mb: "<=65536"
				  cpus: "<64"
				  dev.sev: "!=false"
				  cpu.vendor: "==AuthenticAMD"
				  labels: [coconut, rack=b2]
				""").requires();

		assertThat(r.facts()).containsExactly(
				new Requirement("sev_snp", Requirement.Op.EQ, List.of("true")),
				new Requirement("cpu.family", Requirement.Op.EQ, List.of("25")),
				new Requirement("cpu.generation", Requirement.Op.ONE_OF, List.of("genoa", "turin")),
				new Requirement("kernel.release", Requirement.Op.GE, List.of("6.11")),
				new Requirement("snp.firmware", Requirement.Op.GT, List.of("1.51")),
				new Requirement("memory.mb", Requirement.Op.LE, List.of("65536")),
				new Requirement("cpus", Requirement.Op.LT, List.of("64")),
				new Requirement("dev.sev", Requirement.Op.NE, List.of("false")),
				new Requirement("cpu.vendor", Requirement.Op.EQ, List.of("AuthenticAMD")));
		assertThat(r.labels()).containsExactly("coconut", "rack=b2");
	}

	@Test
	void allowsUnknownFactNamesWithValidSyntax() {
		Requirements r = onlyJob("steps: [make]\nrequires: { tpm.version: \"2.0\" }").requires();

		assertThat(r.facts()).containsExactly(new Requirement("tpm.version", Requirement.Op.EQ, List.of("2.0")));
	}

	@Test
	void rejectsBadFactNamesWithSuggestion() {
		PipelineException e = error("jobs:\n  j:\n    steps: [make]\n    requires:\n      sev-snp: true\n");

		assertThat(e.line()).isEqualTo(5);
		assertThat(e.problem()).contains("fact name `sev-snp`").endsWith("did you mean `sev_snp`?");
	}

	@Test
	void rejectsMisspelledLabelsKey() {
		PipelineException e = error("jobs:\n  j:\n    steps: [make]\n    requires:\n      label: [coconut]\n");

		assertThat(e.line()).isEqualTo(5);
		assertThat(e.problem()).isEqualTo("unknown key `label` in `requires`; did you mean `labels`?");
	}

	@Test
	void rejectsBadRequirementValues() {
		PipelineException ordering = error("jobs:\n  j:\n    steps: [make]\n    requires: { cpu.generation: \">=genoa\" }\n");
		PipelineException empty = error("jobs:\n  j:\n    steps: [make]\n    requires:\n      sev_snp:\n");
		PipelineException noValue = error("jobs:\n  j:\n    steps: [make]\n    requires: { qemu.version: \">=\" }\n");
		PipelineException mapping = error("jobs:\n  j:\n    steps: [make]\n    requires: { qemu.version: { min: 11 } }\n");
		PipelineException label = error("jobs:\n  j:\n    steps: [make]\n    requires: { labels: [\"a b\"] }\n");

		assertThat(ordering.line()).isEqualTo(4);
		assertThat(ordering.problem()).contains("`genoa`, which is not a version or number");
		assertThat(empty.line()).isEqualTo(5);
		assertThat(empty.problem()).contains("`requires.sev_snp` needs a value");
		assertThat(noValue.problem()).contains("`requires.qemu.version` needs a value after `>=`");
		assertThat(mapping.problem()).contains("got a mapping");
		assertThat(label.problem()).isEqualTo("each of `labels` must be `name` or `name=value`, got `a b`");
	}

	@Test
	void theHealthCheckLabelIsNotForPipelines() {
		PipelineException pinned = error("jobs:\n  j:\n    steps: [make]\n    requires: { labels: [\"snplab.health-check=milan-1\"] }\n");

		assertThat(pinned.line()).isEqualTo(4);
		assertThat(pinned.problem()).startsWith("`snplab.health-check` is reserved for hosts' health checks");
	}

	@Test
	void writtenInDifferentOrderRequirementsGiveTheSameJson() {
		Requirements a = onlyJob("steps: [x]\nrequires: { sev_snp: true, qemu.version: \">=11.0\", labels: [b, a], cpu.generation: [turin, genoa] }").requires();
		Requirements b = onlyJob("steps: [x]\nrequires: { labels: [a, b], cpu.generation: [genoa, turin], qemu.version: \">=11.0\", sev_snp: true }").requires();

		assertThat(a.toJson()).isEqualTo(b.toJson());
	}
}
