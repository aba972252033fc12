package org.snplab.agent.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessGroupIntegrationTests {

	@TempDir
	Path tmp;

	@Test
	void stepLeadsItsOwnGroupAndWritesMergedOutput() throws Exception {
		Path out = tmp.resolve("out");
		ProcessGroup group = ProcessGroup.start("echo $FOO; echo err >&2; ps -o pgid= -p $$ | tr -d ' '", tmp, Map.of("FOO", "x"),
				out, StepUser.AGENT);

		assertThat(group.waitFor(Duration.ofSeconds(10))).isTrue();
		assertThat(group.exitValue()).isZero();
		assertThat(Files.readString(out)).isEqualTo("x\nerr\n" + group.pgid() + "\n");
	}

	@Test
	void cancelKillsBackgroundedChildrenAndIsIdempotent() throws Exception {
		ProcessGroup group = ProcessGroup.start("sleep 300 & echo $! > bg; sleep 300", tmp, Map.of(), tmp.resolve("out"),
				StepUser.AGENT);
		long background = awaitPid(tmp.resolve("bg"));

		group.cancel(Duration.ofSeconds(5));
		group.cancel(Duration.ofSeconds(5));

		assertThat(group.alive()).isFalse();
		assertThat(ProcessGroup.running(background)).isFalse();
	}

	@Test
	void cancelEscalatesToKillWhenTermIsIgnored() throws Exception {
		// An ignored signal stays ignored in children, so the whole group shrugs off TERM.
		ProcessGroup group = ProcessGroup.start("trap '' TERM; sleep 300 & echo $! > bg; sleep 300", tmp, Map.of(),
				tmp.resolve("out"), StepUser.AGENT);
		long background = awaitPid(tmp.resolve("bg"));
		long started = System.nanoTime();

		group.cancel(Duration.ofMillis(500));

		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
		assertThat(group.alive()).isFalse();
		assertThat(ProcessGroup.running(background)).isFalse();
	}

	private static long awaitPid(Path file) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!Files.exists(file) || Files.readString(file).isBlank()) {
			assertThat(System.nanoTime()).isLessThan(deadline);
			Thread.sleep(20);
		}
		return Long.parseLong(Files.readString(file).trim());
	}
}
