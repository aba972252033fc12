package org.snplab.github;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.snplab.pipeline.PipelineParser;
import org.snplab.queue.RunService;
import org.snplab.support.Prometheus;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

class CommitStatusOutboxIntegrationTests extends GithubIntegrationTest {

	@Autowired
	RunService runs;

	@Test
	void statusesGithubRefusesStayInTheOutboxAndAreSentOnRetry() {
		github.failNext(2);
		String sha = commitOn(svsmDirectory, "outage", Map.of(".snplab.yml", PIPELINE));
		deliverAndProcess("push", TestPayloads.push(SVSM, "outage", sha));

		await(() -> count("attempts > 0 and sent_at is null and last_error like '%500%'") == 2);
		assertThat(github.statuses()).isEmpty();

		await(() -> count("sent_at is not null and outcome = 'sent'") == 2);
		assertThat(github.statuses()).extracting(call -> call.body().get("context").asString())
			.containsExactlyInAnyOrder("snplab/build", "snplab/test");
	}

	@Test
	void whatWaitsOnGithubIsScrapedWithTheAgeOfTheOldest() {
		// A status GitHub kept refusing for an hour, and a delivery whose processing kept failing for two.
		db.sql("""
				insert into github_status (repository, sha, context, state, description, attempts, created_at, next_attempt_at)
				values (?, ?, 'snplab/x', 'pending', 'queued', 40, now() - interval '1 hour', now() + interval '1 hour')""")
			.params(SVSM, "d".repeat(40))
			.update();
		db.sql("""
				insert into github_delivery (delivery_id, event, repository, status, outcome, payload, attempts, received_at,
				  next_attempt_at)
				values ('stuck-1', 'push', ?, 202, 'accepted', '{}', 40, now() - interval '2 hours', now() + interval '1 hour')""")
			.param(SVSM)
			.update();

		Prometheus stuck = Prometheus.scrape(baseUrl());
		assertThat(stuck.value("snplab_github_pending", "kind=\"statuses\"")).isEqualTo(1);
		assertThat(stuck.value("snplab_github_pending_oldest_seconds", "kind=\"statuses\"")).isBetween(3600.0, 3660.0);
		assertThat(stuck.value("snplab_github_pending", "kind=\"deliveries\"")).isEqualTo(1);
		assertThat(stuck.value("snplab_github_pending_oldest_seconds", "kind=\"deliveries\"")).isBetween(7200.0, 7260.0);

		db.sql("update github_status set sent_at = now()").update();
		db.sql("update github_delivery set processed_at = now()").update();
		Prometheus clear = Prometheus.scrape(baseUrl());
		assertThat(clear.value("snplab_github_pending", "kind=\"statuses\"")).isZero();
		assertThat(clear.value("snplab_github_pending_oldest_seconds", "kind=\"deliveries\"")).isZero();
	}

	@Test
	void statusesWrittenWhileNoSenderRanAreSentLater() {
		String sha = "b".repeat(40);
		// What a server that died between its commit and its send left behind.
		db.sql("""
				insert into github_status (repository, sha, context, state, description, target_url)
				values (?, ?, 'snplab/left-behind', 'success', 'passed', 'http://snplab.test/jobs/1')""")
			.params(SVSM, sha)
			.update();

		// Only this commit's: a send the test before started on its own thread may still land here after the reset.
		String path = "/repos/" + SVSM + "/statuses/" + sha;
		await(() -> github.statuses().stream().anyMatch(call -> call.path().equals(path)));
		assertThat(github.statuses()).filteredOn(call -> call.path().equals(path)).hasSize(1);
		await(() -> count("outcome = 'sent'") == 1);
	}

	@Test
	void aStatusReplacedBeforeItGotThroughIsNeverSentOverTheNewerOne() {
		String sha = "c".repeat(40);
		db.sql("""
				insert into github_status (repository, sha, context, state, description, next_attempt_at)
				values (?, ?, 'snplab/x', 'pending', 'queued', now() + interval '2 seconds'),
				       (?, ?, 'snplab/x', 'success', 'passed', now())""")
			.params(SVSM, sha, SVSM, sha)
			.update();

		await(() -> count("sent_at is not null") == 2);
		assertThat(github.statuses()).singleElement()
			.satisfies(call -> assertThat(call.body().get("state").asString()).isEqualTo("success"));
	}

	@Test
	void runsThatDidNotComeFromGithubGetNoStatuses() throws Exception {
		runs.queue(new RunService.Origin("file:///elsewhere", "main", "d".repeat(40), "api"), PipelineParser.parse(PIPELINE));

		assertThat(count("true")).isZero();
	}

	private int count(String where) {
		return db.sql("select count(*) from github_status where " + where).query(Integer.class).single();
	}
}
