package org.snplab.agent;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --memory} and {@code --cpus}: what jobs may use of the host, reported beside the probed facts. */
class AgentCapacityUnitTests {

	@Test
	void declaredMemoryAndCpusAreReportedAsCapacityFacts() {
		AgentConfig config = (AgentConfig) AgentCommand.parse(new String[] { "--server", "https://x", "--token", "t",
				"--slots", "3", "--memory", "16G", "--cpus", "8" }, Map.of());

		assertThat(config.withCapacity(Map.of("memory.mb", "65536", "cpus", "32")))
			.containsEntry("memory.mb", "65536")
			.containsEntry("capacity.memory.mb", "16384")
			.containsEntry("capacity.cpus", "8");
		assertThat(config.slots()).isEqualTo(3);
	}

	@Test
	void withoutThemTheProbedFactsAreReportedAsTheyAre() {
		AgentConfig config = (AgentConfig) AgentCommand.parse(new String[] { "--server", "https://x", "--token", "t" },
				Map.of());

		assertThat(config.withCapacity(Map.of("memory.mb", "65536"))).isEqualTo(Map.of("memory.mb", "65536"));
	}

	@Test
	void aMemoryWithoutUnitIsRefusedSayingWhatASizeLooksLike() {
		assertThatThrownBy(() -> AgentCommand.parse(new String[] { "--server", "https://x", "--token", "t", "--memory",
				"16" }, Map.of())).hasMessage("--memory must be a size like 8G or 512M, got `16`");
		assertThatThrownBy(() -> AgentCommand.parse(new String[] { "--server", "https://x", "--token", "t", "--cpus",
				"0" }, Map.of())).hasMessage("--cpus must be at least 1, got 0");
	}
}
