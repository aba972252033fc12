package org.snplab.agent.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real process groups, recorded as the agent does, and ended (or spared) as a restarted agent does. */
class LeftoverGroupsIntegrationTests {

	@TempDir
	Path work;

	private ProcessGroup group;

	@AfterEach
	void end() throws Exception {
		if (group != null) {
			group.cancel(Duration.ofSeconds(1));
		}
	}

	@Test
	void aRecordedGroupIsEndedWithItsChildrenAndItsRecordRemoved() throws Exception {
		group = ProcessGroup.start("sleep 300 & echo $! > bg; sleep 300", work, Map.of(), work.resolve("out"), StepUser.AGENT);
		long background = awaitPid(work.resolve("bg"));
		LeftoverGroups leftovers = new LeftoverGroups(work);
		leftovers.remember(group);

		assertThat(new LeftoverGroups(work).killAll(Duration.ofSeconds(2))).containsExactly(group.pgid());

		assertThat(group.alive()).isFalse();
		assertThat(ProcessGroup.running(background)).isFalse();
		assertThat(work.resolve("process-groups")).isEmptyDirectory();
	}

	@Test
	void aGroupWhosePidWasReusedIsNeverSignalled() throws Exception {
		group = ProcessGroup.start("sleep 300", work, Map.of(), work.resolve("out"), StepUser.AGENT);
		long started = ProcTable.startTicks(group.pgid()).orElseThrow();
		Path records = Files.createDirectories(work.resolve("process-groups"));
		// The record of an earlier process that had this pid: it started after today's holder of the pid.
		Files.writeString(records.resolve(Long.toString(group.pgid())),
				group.pgid() + " " + (started + 1000) + " " + ProcTable.bootId() + "\n");
		// And one from another boot of the machine.
		Files.writeString(records.resolve("other-boot"), group.pgid() + " " + started + " not-this-boot\n");

		assertThat(new LeftoverGroups(work).killAll(Duration.ofSeconds(2))).isEmpty();

		assertThat(group.alive()).isTrue();
		assertThat(records).isEmptyDirectory();
	}

	@Test
	void forgottenGroupsAreLeftAlone() throws Exception {
		group = ProcessGroup.start("sleep 300", work, Map.of(), work.resolve("out"), StepUser.AGENT);
		LeftoverGroups leftovers = new LeftoverGroups(work);
		leftovers.remember(group);
		leftovers.forget(group);

		assertThat(leftovers.killAll(Duration.ofSeconds(2))).isEmpty();
		assertThat(group.alive()).isTrue();
	}

	private static long awaitPid(Path file) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			if (Files.exists(file) && !Files.readString(file).isBlank()) {
				return Long.parseLong(Files.readString(file).strip());
			}
			Thread.sleep(20);
		}
		throw new AssertionError("no pid in " + file);
	}
}
