package org.snplab.github;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pipelines' {@code on.schedule}. Passes are run by hand at times days ahead, so the every-minute pass in the
 * background (at the real time) never finds these crons due.
 */
class GithubScheduleIntegrationTests extends GithubIntegrationTest {

	static final String NIGHTLY_CRON = "0 0 3 * * ?";

	static final String NIGHTLY = """
			on:
			  schedule: [ { cron: "0 0 3 * * ?" } ]
			jobs:
			  build: { steps: [ "make" ] }
			  test: { steps: [ "make test" ] }
			""";

	@Autowired
	ScheduledPipelines scheduled;

	@Test
	void aDueCronOfTheDefaultBranchPipelineQueuesExactlyOneScheduledRunAndTheNextPassNone() {
		String sha = commitOn(svsmDirectory, "main", Map.of(".snplab.yml", NIGHTLY));
		Instant later = Instant.now().plus(Duration.ofDays(12));
		db.sql("""
				insert into pipeline_schedule (repository, cron, last_fired_at) values (?, ?, ?)
				on conflict (repository, cron) do update set last_fired_at = excluded.last_fired_at""")
			.params(SVSM, NIGHTLY_CRON, Timestamp.from(later.minus(Duration.ofDays(2))))
			.update();

		assertThat(scheduled.fire(later)).isEqualTo(1);
		assertThat(scheduled.fire(later)).isZero();

		assertThat(db.sql("select count(*) from run where trigger = 'schedule'").query(Integer.class).single()).isEqualTo(1);
		long run = db.sql("select id from run where trigger = 'schedule' and commit_sha = ? and ref = 'main'")
			.param(sha).query(Long.class).single();
		assertThat(db.sql("select count(*) from job where run_id = ? and state = 'queued'").param(run).query(Integer.class).single())
			.isEqualTo(2);
		assertThat(db.sql("select event from github_run where run_id = ?").param(run).query(String.class).single())
			.isEqualTo("schedule");
		await(() -> github.statuses().stream().filter(call -> call.path().endsWith("/statuses/" + sha)).count() == 2);
		// Not snplab/build: a nightly run must not overwrite the status the push of the same commit left.
		assertThat(github.statuses().stream().filter(call -> call.path().endsWith("/statuses/" + sha))
			.map(call -> call.body().get("context").asString()))
			.containsExactlyInAnyOrder("snplab/schedule/build", "snplab/schedule/test");
	}

	@Test
	void aCronFirstSeenCountsFromThenInsteadOfCatchingUpOnPastFirings() {
		commitOn(svsmDirectory, "main", Map.of(".snplab.yml", NIGHTLY));
		Instant now = Instant.now();

		assertThat(scheduled.fire(now)).isZero();
		assertThat(db.sql("select count(*) from pipeline_schedule where repository = ? and cron = ?")
			.params(SVSM, NIGHTLY_CRON).query(Integer.class).single()).isEqualTo(1);
		assertThat(scheduled.fire(now.plus(Duration.ofDays(1)).plusSeconds(60))).isEqualTo(1);
		assertThat(db.sql("select count(*) from run where trigger = 'schedule'").query(Integer.class).single()).isEqualTo(1);
	}
}
