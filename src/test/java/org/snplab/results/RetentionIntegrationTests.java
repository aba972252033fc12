package org.snplab.results;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.snplab.support.HttpAgent;
import org.snplab.queue.RunService;
import org.snplab.results.retention.Retention;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import org.snplab.web.WebFixtures;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

class RetentionIntegrationTests extends ServerIntegrationTest {

	@Autowired
	RunService runs;

	@Autowired
	Retention retention;

	@Autowired
	ArtifactStore artifacts;

	@Test
	void oldJobsLoseTheirLogsAndFilesButKeepTheirRecordsAndPagesSaySo() throws Exception {
		runs.queue(new RunService.Origin("file:///svsm", "main", "e".repeat(40), "api"), WebFixtures.pipeline("old", "new"));
		HttpAgent agent = new HttpAgent(baseUrl(), "milan-1", Map.of());
		long old = agent.claim();
		agent.log(old, 0, "old output\n");
		Path file = Files.writeString(Files.createTempFile("artifact", ".txt"), "kept?");
		assertThat(agent.upload(old, "artifact", "out.txt", file)).isEqualTo(204);
		agent.finish(old, "passed", null);
		long recent = agent.claim();
		agent.log(recent, 0, "new output\n");
		agent.finish(recent, "passed", null);
		db.sql("update job set finished_at = now() - interval '40 days' where id = ?").param(old).update();
		Path stored = artifacts.path(artifacts.list(old).get(0));
		assertThat(stored).exists();

		int expired = retention.expireOlderThanMaxAge();

		assertThat(expired).isEqualTo(1);
		assertThat(stored).doesNotExist();
		assertThat(db.sql("select count(*) from log_chunk where job_id = ?").param(old).query(Integer.class).single()).isZero();
		assertThat(db.sql("select count(*) from log_chunk where job_id = ?").param(recent).query(Integer.class).single()).isOne();
		assertThat(db.sql("select expired_at from job where id = ?").param(old).query(Instant.class).single()).isNotNull();
		HttpApi anonymous = HttpApi.anonymous(baseUrl());
		assertThat(anonymous.get("/jobs/" + old).body()).contains("deleted by retention");
		assertThat(anonymous.get("/api/jobs/" + old + "/artifacts/" + artifacts.list(old).get(0).id()).body())
			.contains("deleted by the retention policy");
		assertThat(retention.expireOlderThanMaxAge()).isZero();
	}
}
