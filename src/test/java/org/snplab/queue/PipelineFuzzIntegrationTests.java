package org.snplab.queue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.pipeline.PipelineMutations;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import org.snplab.support.TestRepositories;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A few hundred damaged pipeline files ({@link PipelineMutations}, seeded) submitted through {@code POST /api/runs}:
 * each is queued (201) or refused with a 4xx that says why; none answers 5xx.
 */
class PipelineFuzzIntegrationTests extends ServerIntegrationTest {

	static final long SEED = 4242L;

	static final int FILES = 200;

	@TempDir
	Path temp;

	@Test
	void noDamagedPipelineSubmittedThroughTheApiAnswersAServerError() {
		TestRepositories repo = TestRepositories.init(temp.resolve("repo"));
		// The commit, not a branch: the server then needn't fetch before each of the submissions.
		String commit = repo.commit("first", Map.of("README", "hello\n"));
		HttpApi admin = HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD);
		PipelineMutations mutations = new PipelineMutations(SEED);
		List<String> serverErrors = new ArrayList<>();
		int queued = 0;
		for (int i = 0; i < FILES; i++) {
			String file = mutations.next();
			HttpApi.Response answer = admin.post("/api/runs", Map.of("repository", repo.url(), "ref", commit, "pipeline", file));
			if (answer.status() >= 500) {
				serverErrors.add("#" + i + " " + answer.status() + " " + answer.body() + "\n" + file);
			}
			else if (answer.status() == 201) {
				queued++;
			}
			else {
				assertThat(answer.status()).as("file #%d: %s", i, answer.body()).isBetween(400, 499);
				assertThat(answer.json().get("detail").asString()).as("file #%d", i).isNotBlank().isNotEqualTo("null");
			}
		}
		assertThat(serverErrors).as("5xx answers (seed " + SEED + ")").isEmpty();
		assertThat(queued).as("some damaged files are still valid pipelines").isPositive();
	}
}
