package org.snplab.pipeline;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code checkout:}: how much of a repository's submodules a job gets, and what its JUnit failures mean. */
class PipelineCheckoutUnitTests {

	@Test
	void submodulesAreTakenByDefaultRecursivelyOrNotAtAll() throws PipelineException {
		Pipeline pipeline = PipelineParser.parse("""
				jobs:
				  default:
				    steps: [ make ]
				  recursive:
				    checkout: { submodules: recursive }
				    steps: [ make ]
				  none:
				    checkout: { submodules: false }
				    reports: { junit: [ "*.xml" ], fail-on-test-failure: false }
				    steps: [ make ]
				""");

		assertThat(pipeline.jobs()).extracting(JobSpec::submodules).containsExactly("true", "recursive", "false");
		assertThat(pipeline.jobs()).extracting(JobSpec::failOnTestFailure).containsExactly(true, true, false);
	}

	@Test
	void anythingElseIsRefusedWithItsLine() {
		assertThatThrownBy(() -> PipelineParser.parse("""
				jobs:
				  build:
				    checkout:
				      submodules: all
				    steps: [ make ]
				"""))
			.hasMessage(".snplab.yml line 4: `submodules` is true, recursive or false, not `all`");
		assertThatThrownBy(() -> PipelineParser.parse("""
				jobs:
				  build:
				    checkout: { depth: 1 }
				    steps: [ make ]
				"""))
			.hasMessage(".snplab.yml line 3: unknown key `depth` in `checkout` (expected one of submodules)");
	}
}
