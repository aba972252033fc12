package org.snplab.queue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.snplab.pipeline.PipelineParser;
import org.snplab.support.Eventually;
import org.snplab.support.PowerIntegrationTest;
import org.snplab.support.SettableClock;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** Jobs no enabled host can run, waiting over an hour, reach the admins once (not at every check). */
@org.springframework.context.annotation.Import(SettableClock.Config.class)
class UnmatchedJobsNotificationIntegrationTests extends PowerIntegrationTest {

	@Autowired
	RunService runs;

	@Autowired
	UnmatchedJobsCheck check;

	@Autowired
	SettableClock clock;

	@AfterEach
	void realTime() {
		clock.reset();
	}

	@Test
	void jobsNoHostCanRunForAnHourAreNotifiedOnce() throws Exception {
		registeredHost("milan-1");
		runs.queue(new RunService.Origin("file:///repo", "main", "c".repeat(40), "api"), PipelineParser.parse("""
				jobs:
				  turin: { requires: { cpu.generation: turin }, steps: [ make ] }
				  anywhere: { steps: [ make ] }
				"""));
		// Pinned to milan-1 by its implicit health-check label: an enabled host runs it, so it isn't unmatched.
		runs.queueHealthCheck("milan-1", List.of("true"), Duration.ofMinutes(10));

		assertThat(check.check()).as("not an hour yet").isEmpty();
		clock.advance(Duration.ofMinutes(61));
		List<JobsUnmatched> found = check.check();
		check.check();

		assertThat(found).as("the turin job only, not milan-1's health check").hasSize(1);
		assertThat(found.get(0).requires()).contains("turin");
		List<JsonNode> told = Eventually.await(Duration.ofSeconds(30), "the unmatched jobs' notification",
				() -> webhook.received("jobs-unmatched"), list -> !list.isEmpty());
		assertThat(told.get(0).get("text").asString()).startsWith("1 job(s) waiting since ")
			.contains("that no enabled host can run: none has").contains("turin");
		assertThat(db.sql("select count(*) from notification where event = 'jobs-unmatched' and channel = 'webhook'")
			.query(Integer.class).single()).as("once, not at every check").isEqualTo(1);
	}
}
