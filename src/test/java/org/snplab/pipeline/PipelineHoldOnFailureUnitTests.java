package org.snplab.pipeline;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code hold-on-failure:}: how long a failed job's host stays reserved for whoever triggered the run. */
class PipelineHoldOnFailureUnitTests {

	@Test
	void readsTheHoldAndLeavesOtherJobsUnheld() throws PipelineException {
		Pipeline pipeline = PipelineParser.parse("""
				jobs:
				  test-in-svsm:
				    hold-on-failure: 1h30m
				    steps: [ "./scripts/test-in-svsm.sh" ]
				  build:
				    steps: [ make ]
				""");

		assertThat(pipeline.jobs().get(0).holdOnFailure()).isEqualTo(Duration.ofMinutes(90));
		assertThat(pipeline.jobs().get(1).holdOnFailure()).isNull();
	}

	@Test
	void rejectsAHoldThatIsNoDurationWithItsLine() {
		assertThatThrownBy(() -> PipelineParser.parse("""
				jobs:
				  build:
				    steps: [ make ]
				    hold-on-failure: forever
				"""))
			.hasMessage(".snplab.yml line 4: `hold-on-failure` must be a duration like 30m, got `forever`");
	}

	@Test
	void rejectsAZeroOrOverlongHold() {
		assertThatThrownBy(() -> PipelineParser.parse("jobs:\n  build:\n    hold-on-failure: 0m\n    steps: [ make ]\n"))
			.hasMessage(".snplab.yml line 3: `hold-on-failure` must be longer than 0s, got `0m`");
		assertThatThrownBy(() -> PipelineParser.parse("jobs:\n  build:\n    hold-on-failure: 25h\n    steps: [ make ]\n"))
			.hasMessage(".snplab.yml line 3: `hold-on-failure` must be at most 24h, got `25h`");
	}

	@Test
	void aMisspelledHoldGetsASuggestion() {
		assertThatThrownBy(() -> PipelineParser.parse("jobs:\n  build:\n    hold_on_failure: 30m\n    steps: [ make ]\n"))
			.hasMessageContaining("line 3: unknown key `hold_on_failure` in job `build`; did you mean `hold-on-failure`?");
	}
}
