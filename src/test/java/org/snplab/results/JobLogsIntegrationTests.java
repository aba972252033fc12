package org.snplab.results;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.support.HttpAgent;
import org.snplab.queue.RunService;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import org.snplab.web.WebFixtures;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** Logs and uploads from agents: resends, limits, and what isn't the sender's. The test limit is 3,000,000 bytes. */
class JobLogsIntegrationTests extends ServerIntegrationTest {

	@Autowired
	RunService runs;

	@TempDir
	Path temp;

	@Test
	void aResentChunkIsStoredOnceAndTheLogKeepsItsOrder() {
		HttpAgent agent = new HttpAgent(baseUrl(), "logger", Map.of());
		long job = queueAndClaim(agent);

		assertThat(agent.log(job, 0, "first\n")).isEqualTo(204);
		assertThat(agent.log(job, 2, "third\n")).isEqualTo(204);
		assertThat(agent.log(job, 1, "second\n")).isEqualTo(204);
		assertThat(agent.log(job, 0, "first\n")).as("a resend").isEqualTo(204);

		assertThat(HttpApi.anonymous(baseUrl()).get("/api/jobs/" + job + "/log").body()).isEqualTo("first\nsecond\nthird\n");
	}

	@Test
	void aLogPastTheLimitIsCutWithANoteAndAnOversizedChunkIsRefused() {
		HttpAgent agent = new HttpAgent(baseUrl(), "chatty", Map.of());
		long job = queueAndClaim(agent);
		String megabyte = "x".repeat(1_000_000);

		assertThat(agent.log(job, 0, megabyte)).isEqualTo(204);
		assertThat(agent.log(job, 1, megabyte)).isEqualTo(204);
		assertThat(agent.log(job, 2, megabyte + "TAIL-MARKER")).isEqualTo(204);
		assertThat(agent.log(job, 3, "after the cut\n")).isEqualTo(204);
		assertThat(agent.log(job, 4, "z".repeat(4 * 1024 * 1024 + 1))).as("one chunk over 4 MiB").isEqualTo(413);

		String log = HttpApi.anonymous(baseUrl()).get("/api/jobs/" + job + "/log").body();
		assertThat(log).startsWith(megabyte + megabyte).contains("log cut here").contains("3000000 bytes")
			.doesNotContain("after the cut").doesNotContain("TAIL-MARKER").doesNotContain("zzz");
	}

	@Test
	void anotherHostsLogsAndFilesAreRefusedWithAConflict() throws Exception {
		HttpAgent owner = new HttpAgent(baseUrl(), "owner", Map.of());
		HttpAgent other = new HttpAgent(baseUrl(), "other", Map.of());
		long job = queueAndClaim(owner);
		Path file = Files.writeString(temp.resolve("a.log"), "hello");

		assertThat(other.log(job, 0, "not mine")).isEqualTo(409);
		assertThat(other.upload(job, "artifact", "a.log", file)).isEqualTo(409);
		assertThat(owner.upload(job, "artifact", "../escape.log", file)).isEqualTo(400);
		assertThat(owner.upload(job, "artifact", "logs/a.log", file)).isEqualTo(204);
	}

	private long queueAndClaim(HttpAgent agent) {
		runs.queue(new RunService.Origin("file:///repo", "main", "d".repeat(40), "api"), WebFixtures.pipeline("build"));
		return agent.claim();
	}
}
