package org.snplab.results;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.snplab.support.Fixtures;

import static org.assertj.core.api.Assertions.assertThat;

/** Every COCONUT-SVSM console log in the fixtures, and what the job page points out in it. */
class WebLogHighlightsUnitTests {

	private static final Path FIXTURES = Fixtures.path("svsm");

	@Test
	void everySvsmFixtureIsCovered() throws IOException {
		try (Stream<Path> files = Files.list(FIXTURES)) {
			assertThat(files.filter(f -> f.toString().endsWith(".txt")).map(f -> f.getFileName().toString()).sorted().toList()).containsExactly(
					"svsm-test-in-svsm-kvm-entry-failed-virtio-svsm1081-TRUNCATED.txt",
					"svsm-test-in-svsm-nocc-launch-header-svsm1081-TRUNCATED.txt",
					"svsm-test-in-svsm-panic-ipi-svsm682.txt",
					"svsm-test-in-svsm-panic-old-format-ghcb-svsm288.txt",
					"svsm-test-in-svsm-sev-ioio-test-stops-svsm391-TRUNCATED.txt");
		}
	}

	@Test
	void aPanicOnCpuIsTheFirstErrorNotTheBacktraceAfterIt() throws IOException {
		assertThat(scan("svsm-test-in-svsm-panic-ipi-svsm682.txt")).hasValueSatisfying(h -> {
			assertThat(h.line()).isEqualTo(5);
			assertThat(h.kind()).isEqualTo("panic");
			assertThat(h.text()).contains("Panic on CPU[0]! COCONUT-SVSM Version: a91bb276");
		});
	}

	@Test
	void theOlderPanicFormatIsFoundToo() throws IOException {
		assertThat(scan("svsm-test-in-svsm-panic-old-format-ghcb-svsm288.txt")).hasValueSatisfying(h -> {
			assertThat(h.line()).isEqualTo(2);
			assertThat(h.kind()).isEqualTo("panic");
			assertThat(h.text()).contains("panicked at kernel/src/sev/ghcb.rs:664:9");
		});
	}

	@Test
	void kvmEntryFailedWithoutAnySvsmPanicIsFound() throws IOException {
		assertThat(scan("svsm-test-in-svsm-kvm-entry-failed-virtio-svsm1081-TRUNCATED.txt")).hasValueSatisfying(h -> {
			assertThat(h.line()).isEqualTo(8);
			assertThat(h.kind()).isEqualTo("kvm entry failed");
			assertThat(h.text()).isEqualTo("KVM: entry failed, hardware error 0x0");
		});
	}

	@Test
	void aRunThatStopsInATestPointsAtThatTestButIgnoredTestsDoNotCount() throws IOException {
		assertThat(scan("svsm-test-in-svsm-sev-ioio-test-stops-svsm391-TRUNCATED.txt")).hasValueSatisfying(h -> {
			assertThat(h.line()).isEqualTo(9);
			assertThat(h.kind()).isEqualTo("stall");
			assertThat(h.text()).contains("test cpu::vc::tests::test_port_io_32_hardcoded ...");
		});
	}

	@Test
	void aStallIsOnlyClaimedOnceTheLogIsComplete() throws IOException {
		List<String> lines = Files.readAllLines(FIXTURES.resolve("svsm-test-in-svsm-sev-ioio-test-stops-svsm391-TRUNCATED.txt"));

		assertThat(LogHighlights.firstError(lines, false)).isEmpty();
	}

	@Test
	void aLaunchWithoutErrorsHasNoHighlight() throws IOException {
		assertThat(scan("svsm-test-in-svsm-nocc-launch-header-svsm1081-TRUNCATED.txt")).isEmpty();
	}

	@Test
	void aCompleteTestRunIsNoStallAndColourCodesDoNotHideAPanic() {
		assertThat(LogHighlights.firstError(List.of("[SVSM] running 2 tests", "[SVSM] test a ...", "[SVSM] test b ...",
				"[SVSM] All tests passed!"), true)).isEmpty();
		assertThat(LogHighlights.firstError(List.of("boot", "\u001B[31m[SVSM] ERROR: Panic on CPU[3]!\u001B[0m"), true))
			.hasValueSatisfying(h -> assertThat(h.line()).isEqualTo(2));
	}

	private static Optional<LogHighlights.Highlight> scan(String fixture) throws IOException {
		return LogHighlights.firstError(Files.readAllLines(FIXTURES.resolve(fixture)), true);
	}
}
