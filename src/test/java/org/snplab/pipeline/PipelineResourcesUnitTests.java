package org.snplab.pipeline;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code resources:}: the memory and cpus a job holds on its host. */
class PipelineResourcesUnitTests {

	@Test
	void readsMemoryAndCpus() throws PipelineException {
		JobSpec job = PipelineParser.parse("""
				jobs:
				  test-in-svsm:
				    resources: { memory: 8G, cpus: 4 }
				    steps: [ "./scripts/test-in-svsm.sh" ]
				""").jobs().get(0);

		assertThat(job.memoryMb()).isEqualTo(8192);
		assertThat(job.cpus()).isEqualTo(4);
	}

	@Test
	void aJobWithoutResourcesLeavesThemToTheLabsDefault() throws PipelineException {
		JobSpec job = PipelineParser.parse("""
				jobs:
				  build:
				    resources: { memory: 512M }
				    steps: [ make ]
				  lint:
				    steps: [ make lint ]
				""").jobs().get(1);

		assertThat(job.memoryMb()).isNull();
		assertThat(job.cpus()).isNull();
	}

	@Test
	void rejectsAMemoryWithoutUnitWithItsLine() {
		assertThatThrownBy(() -> PipelineParser.parse("""
				jobs:
				  build:
				    resources:
				      memory: 8192
				    steps: [ make ]
				"""))
			.hasMessage(".snplab.yml line 4: `resources.memory` must be a size like 8G or 512M, got `8192`");
	}

	@Test
	void rejectsZeroCpusAndUnknownKeys() {
		assertThatThrownBy(() -> PipelineParser.parse("""
				jobs:
				  build:
				    resources: { cpus: 0 }
				    steps: [ make ]
				""")).hasMessage(".snplab.yml line 3: `resources.cpus` must be an integer from 1 to 1024, got `0`");
		assertThatThrownBy(() -> PipelineParser.parse("""
				jobs:
				  build:
				    resources: { memroy: 8G }
				    steps: [ make ]
				""")).hasMessageContaining("unknown key `memroy` in `resources`; did you mean `memory`?");
	}
}
