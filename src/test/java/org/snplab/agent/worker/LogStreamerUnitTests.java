package org.snplab.agent.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class LogStreamerUnitTests {

	@Test
	void utf8BoundaryNeverSplitsACharacter() {
		byte[] text = "a€b😀".getBytes(StandardCharsets.UTF_8); // 1 + 3 + 1 + 4 bytes
		assertThat(LogStreamer.utf8Boundary(text, 1)).isEqualTo(1);
		assertThat(LogStreamer.utf8Boundary(text, 2)).isEqualTo(1);
		assertThat(LogStreamer.utf8Boundary(text, 3)).isEqualTo(1);
		assertThat(LogStreamer.utf8Boundary(text, 4)).isEqualTo(4);
		assertThat(LogStreamer.utf8Boundary(text, 5)).isEqualTo(5);
		assertThat(LogStreamer.utf8Boundary(text, 8)).isEqualTo(5);
		assertThat(LogStreamer.utf8Boundary(text, 9)).isEqualTo(9);
	}

	@Test
	void bytesThatAreNotUtf8PassAsTheyAre() {
		byte[] binary = { (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0xFF };
		assertThat(LogStreamer.utf8Boundary(binary, 4)).isEqualTo(4);
		assertThat(LogStreamer.utf8Boundary(binary, 5)).isEqualTo(5);
	}

	@Test
	void finishReasonsSayDurationsShortly() {
		assertThat(JobRunner.human(java.time.Duration.ofSeconds(2))).isEqualTo("2s");
		assertThat(JobRunner.human(java.time.Duration.ofSeconds(1800))).isEqualTo("30m");
		assertThat(JobRunner.human(java.time.Duration.ofSeconds(3725))).isEqualTo("1h2m");
	}
}
