package org.snplab.endtoend;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.support.AgentProcess;
import org.snplab.support.Eventually;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import org.snplab.support.TestRepositories;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a QEMU serial console prints, NUL bytes and bytes that aren't UTF-8 included, through a real agent: the job
 * passes and its log shows NUL as U+2400 "␀" and the stray bytes as U+FFFD "�".
 */
class ConsoleBytesEndToEndIntegrationTests extends ServerIntegrationTest {

	@TempDir
	Path temp;

	@Test
	void aStepPrintingNulAndInvalidUtf8BytesPassesAndItsLogShowsThemReadably() throws Exception {
		TestRepositories repo = TestRepositories.init(temp.resolve("repo"));
		repo.commit("pipeline", Map.of(".snplab.yml", """
				jobs:
				  console:
				    steps:
				      - printf 'x\\0y\\n'
				      - printf 'serial\\0\\0end \\377\\376 latin\\351\\n'
				      - echo after
				"""));

		try (AgentProcess agent = AgentProcess.start(baseUrl(), REGISTRATION_TOKEN, temp.resolve("agent"), "console-agent")) {
			HttpApi admin = HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD);
			JsonNode run = admin.post("/api/runs", Map.of("repository", repo.url(), "ref", "main")).json();
			long runId = run.get("id").asLong();
			JsonNode finished = Eventually.await(Duration.ofSeconds(90), "run " + runId + " to finish",
					() -> HttpApi.anonymous(baseUrl()).get("/api/runs/" + runId).json(),
					r -> !r.get("state").asString().matches("queued|running|waiting"));
			JsonNode job = finished.get("jobs").get(0);
			long jobId = job.get("id").asLong();

			assertThat(job.get("state").asString()).as("job %s: %s", jobId, job).isEqualTo("passed");
			assertThat(HttpApi.anonymous(baseUrl()).get("/api/jobs/" + jobId).json().get("attempt").asInt())
				.as("no attempt was lost to a refused log chunk").isEqualTo(1);
			String log = HttpApi.anonymous(baseUrl()).get("/api/jobs/" + jobId + "/log").body();
			assertThat(log).contains("x\u2400y\n").contains("serial\u2400\u2400end \uFFFD\uFFFD latin\uFFFD\n")
				.contains("after\n").doesNotContain("\0");
			String page = HttpApi.anonymous(baseUrl()).get("/jobs/" + jobId + "/log/stream").body();
			assertThat(page).as("the job page's log").contains("x\u2400y").contains("serial\u2400\u2400end");
		}
	}
}
