package org.snplab.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.snplab.agent.TestAgents.fastAgent;
import static org.snplab.agent.TestAgents.job;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.protocol.AgentProtocol.Finish;
import org.snplab.protocol.AgentProtocol.Section;

/** The log's sections a real agent reports with the finish: checkout, then each step, with exit codes and offsets. */
class StepSectionsIntegrationTests {

	@TempDir
	Path tmp;

	private FakeSnplabServer server;

	private Agent agent;

	@BeforeEach
	void start() throws Exception {
		server = new FakeSnplabServer();
		agent = new Agent(fastAgent(server, tmp.resolve("work")));
		assertThat(agent.start()).isZero();
	}

	@AfterEach
	void stop() {
		agent.stop();
		server.close();
	}

	@Test
	void eachStepIsASectionStartingAtItsOwnLinesWithItsExitCode() throws Exception {
		server.enqueue(job(1, GitFixtures.oneCommit(tmp.resolve("repo")), "echo one", "sleep 1; echo two; exit 3", "echo never"));

		assertThat(server.awaitFinish(1, Duration.ofSeconds(30))).isEqualTo(new Finish("failed", "step 2 exited 3", 3));
		List<Section> sections = server.sections.get(1L);
		assertThat(sections).extracting(Section::kind).containsExactly("checkout", "step", "step");
		assertThat(sections).extracting(Section::name).containsExactly("checkout", "echo one", "sleep 1; echo two; exit 3");
		assertThat(sections).extracting(Section::exitCode).containsExactly(null, 0, 3);
		assertThat(sections).extracting(Section::failed).containsExactly(false, false, true);
		byte[] log = server.log(1).getBytes(StandardCharsets.UTF_8);
		assertThat(text(log, sections.get(1).logOffset(), sections.get(2).logOffset())).isEqualTo("$ echo one\none\n");
		assertThat(text(log, sections.get(2).logOffset(), log.length))
			.isEqualTo("$ sleep 1; echo two; exit 3\ntwo\nstep 2 exited 3\n");
		Section slow = sections.get(2);
		assertThat(Duration.between(slow.startedAt(), slow.finishedAt())).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
	}

	private static String text(byte[] log, long from, long to) {
		return new String(log, (int) from, (int) (to - from), StandardCharsets.UTF_8);
	}
}
