package org.snplab.results;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.SnplabProperties;
import org.snplab.queue.RunService;
import org.snplab.support.HttpAgent;
import org.snplab.support.ServerIntegrationTest;
import org.snplab.web.WebFixtures;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** Upload names the file system makes awkward: long ones, and a name that is both a file and a folder. */
class ArtifactNamesIntegrationTests extends ServerIntegrationTest {

	@Autowired
	RunService runs;

	@Autowired
	SnplabProperties properties;

	@TempDir
	Path temp;

	@Test
	void aNameOf255CharactersIsStoredAndLeavesNoPartialFileBehind() throws Exception {
		HttpAgent agent = new HttpAgent(baseUrl(), "long-names", Map.of());
		long job = queueAndClaim(agent);
		Path file = Files.writeString(temp.resolve("a.log"), "hello");
		String longest = "a".repeat(251) + ".log";
		String nested = "d/" + "b".repeat(249) + ".log";

		assertThat(agent.upload(job, "artifact", longest, file)).isEqualTo(204);
		assertThat(agent.upload(job, "artifact", nested, file)).isEqualTo(204);
		assertThat(agent.upload(job, "artifact", "c".repeat(256), file)).isEqualTo(400);

		assertThat(db.sql("select name from artifact where job_id = ? order by name").param(job).query(String.class).list())
			.containsExactly(longest, nested);
		assertThat(filesOf(job)).containsExactlyInAnyOrder(longest, nested);
	}

	@Test
	void aNameThatIsBothAFileAndAFolderIsRefusedWithTheReasonAndNothingLeftBehind() throws Exception {
		HttpAgent agent = new HttpAgent(baseUrl(), "clashes", Map.of());
		long job = queueAndClaim(agent);
		Path file = Files.writeString(temp.resolve("a.log"), "hello");

		assertThat(agent.upload(job, "artifact", "d1", file)).isEqualTo(204);
		HttpAgent.Answer under = agent.uploadAnswer(job, "artifact", "d1/child", file);
		assertThat(under.status()).isEqualTo(400);
		assertThat(under.body()).contains("d1/child").contains("both a file and a folder");

		assertThat(agent.upload(job, "artifact", "d2/child", file)).isEqualTo(204);
		HttpAgent.Answer over = agent.uploadAnswer(job, "artifact", "d2", file);
		assertThat(over.status()).isEqualTo(400);
		assertThat(over.body()).contains("d2").contains("both a file and a folder");

		assertThat(db.sql("select name from artifact where job_id = ? order by name").param(job).query(String.class).list())
			.containsExactly("d1", "d2/child");
		assertThat(filesOf(job)).containsExactlyInAnyOrder("d1", "d2/child");
	}

	/** Every regular file under the job's artifact folder, relative to it: no .partial file may stay. */
	private List<String> filesOf(long job) throws IOException {
		Path folder = properties.dataDir().resolve("artifacts").resolve(Long.toString(job)).resolve("1").resolve("artifact");
		try (Stream<Path> files = Files.walk(folder)) {
			return files.filter(Files::isRegularFile).map(f -> folder.relativize(f).toString()).toList();
		}
	}

	private long queueAndClaim(HttpAgent agent) {
		runs.queue(new RunService.Origin("file:///repo", "main", "d".repeat(40), "api"), WebFixtures.pipeline("build"));
		return agent.claim();
	}
}
