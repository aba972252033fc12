package org.snplab.queue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.snplab.pipeline.Requirement.Op;
import org.snplab.support.HttpAgent;
import org.snplab.support.Prometheus;
import org.snplab.support.ServerIntegrationTest;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.snplab.queue.Pipelines.anyHostJob;
import static org.snplab.queue.Pipelines.fact;
import static org.snplab.queue.Pipelines.job;
import static org.snplab.queue.Pipelines.requires;

/** The queue's and hosts' numbers as the lab's Prometheus scrapes them from the real endpoint. */
class QueueMetricsIntegrationTests extends ServerIntegrationTest {

	@Autowired
	RunService runs;

	@Test
	void queuedRunningUnmatchedJobsWaitsAttemptsAndHostsAreScraped() {
		Prometheus before = Prometheus.scrape(baseUrl());
		HttpAgent genoa = new HttpAgent(baseUrl(), "genoa-9", Map.of("cpu.generation", "genoa"));
		HttpAgent milan = new HttpAgent(baseUrl(), "milan-9", Map.of("cpu.generation", "milan"));
		runs.queue(new RunService.Origin("file:///repo", "main", "a".repeat(40), "api"), Pipelines.of(anyHostJob("a"),
				anyHostJob("b"), anyHostJob("c"), job("on-turin", 0, requires(List.of(), fact("cpu.generation", Op.EQ, "turin")))));

		JsonNode first = genoa.poll();
		genoa.finish(first, "passed", "", 0);
		milan.poll();
		// A poll on the busy slot: the agent restarted. Job b is lost (an infra_error, queued again), c claimed.
		assertThat(milan.poll().get("name").asString()).isEqualTo("c");
		Prometheus after = Prometheus.scrape(baseUrl());

		assertThat(after.value("snplab_jobs", "state=\"queued\"")).as("b again, and on-turin").isEqualTo(2);
		assertThat(after.value("snplab_jobs", "state=\"running\"")).isEqualTo(1);
		assertThat(after.value("snplab_jobs_unmatched", "")).as("no host is a turin").isEqualTo(1);
		assertThat(after.value("snplab_runs_awaiting_approval", "")).isZero();
		assertThat(after.value("snplab_job_wait_seconds_count", "") - before.valueOrZero("snplab_job_wait_seconds_count", ""))
			.as("three claims").isEqualTo(3);
		assertThat(delta(before, after, "snplab_job_attempts_total", "result=\"passed\"")).isEqualTo(1);
		assertThat(delta(before, after, "snplab_job_attempts_total", "result=\"infra_error\"")).isEqualTo(1);
		assertThat(after.value("snplab_hosts", "state=\"online\"")).isEqualTo(2);
		assertThat(after.value("snplab_hosts", "state=\"quarantined\"")).isZero();
	}

	private static double delta(Prometheus before, Prometheus after, String name, String labels) {
		return after.value(name, labels) - before.valueOrZero(name, labels);
	}
}
