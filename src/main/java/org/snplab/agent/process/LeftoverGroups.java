package org.snplab.agent.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The process groups the agent's steps lead, one small file each in {@code WORK_DIR/process-groups}, so that an
 * agent restarted after {@code kill -9} (or an OOM kill, or a crash) ends what its previous run left running, QEMU
 * included, before it takes work: the host's memory, CPUs, vsock CIDs and {@code /dev/sev} ASIDs are then free.
 * <p>
 * A record holds the group's id, its leader's start time and the boot id. A group is only signalled while it still
 * has a member of the same session started no earlier than that leader in this boot: a pid reused since (after a
 * reboot, or after the whole group ended) is never signalled.
 */
public final class LeftoverGroups {

	private static final Duration POLL = Duration.ofMillis(50);

	private final Path dir;

	public LeftoverGroups(Path workDir) {
		this.dir = workDir.resolve("process-groups");
	}

	/** Writes the group's record (atomically: a crash never leaves half a record). */
	public void remember(ProcessGroup group) throws IOException {
		Optional<Long> started = ProcTable.startTicks(group.pgid());
		if (started.isEmpty()) {
			return; // already gone: nothing to leave behind
		}
		Files.createDirectories(dir);
		Path temp = Files.createTempFile(dir, "group", ".tmp");
		Files.writeString(temp, group.pgid() + " " + started.get() + " " + ProcTable.bootId() + "\n");
		Files.move(temp, record(group.pgid()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

	/** After the group was killed or ended. */
	public void forget(ProcessGroup group) {
		try {
			Files.deleteIfExists(record(group.pgid()));
		}
		catch (IOException e) {
			// A stale record is harmless: the next start checks the group's identity before signalling it.
		}
	}

	/**
	 * Ends every group the records name that is still running: TERM, up to {@code grace}, then KILL.
	 * @return the ids of the groups that were still running
	 */
	public List<Long> killAll(Duration grace) throws IOException, InterruptedException {
		List<Long> killed = new ArrayList<>();
		if (!Files.isDirectory(dir) || !ProcTable.available()) {
			return killed;
		}
		String boot = ProcTable.bootId();
		List<Path> records = new ArrayList<>();
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
			entries.forEach(records::add);
		}
		for (Path record : records) {
			Optional<Leftover> leftover = parse(record);
			if (leftover.isPresent() && leftover.get().boot().equals(boot) && stillOurs(leftover.get())) {
				kill(leftover.get().pgid(), grace);
				killed.add(leftover.get().pgid());
			}
			Files.deleteIfExists(record);
		}
		return killed;
	}

	private static boolean stillOurs(Leftover leftover) throws IOException {
		// setsid made the leader the group's and the session's first process: a member that belongs to both and
		// started no earlier than the leader was started by it (the leader itself, or a child still running).
		return ProcTable.membersOf(leftover.pgid()).stream()
			.anyMatch(p -> p.session() == leftover.pgid() && p.startTicks() >= leftover.startTicks());
	}

	private static void kill(long pgid, Duration grace) throws InterruptedException {
		ProcessGroup.signal("-TERM", pgid);
		long deadline = System.nanoTime() + grace.toNanos();
		while (ProcTable.groupRunning(pgid) && System.nanoTime() < deadline) {
			Thread.sleep(POLL.toMillis());
		}
		if (ProcTable.groupRunning(pgid)) {
			ProcessGroup.signal("-KILL", pgid);
			long killDeadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
			while (ProcTable.groupRunning(pgid) && System.nanoTime() < killDeadline) {
				Thread.sleep(POLL.toMillis());
			}
		}
	}

	private static Optional<Leftover> parse(Path record) {
		try {
			String[] fields = Files.readString(record).strip().split(" ");
			return Optional.of(new Leftover(Long.parseLong(fields[0]), Long.parseLong(fields[1]), fields[2]));
		}
		catch (IOException | RuntimeException e) {
			return Optional.empty(); // a temporary file of an interrupted write, or garbage: nothing to trust
		}
	}

	private Path record(long pgid) {
		return dir.resolve(Long.toString(pgid));
	}

	private record Leftover(long pgid, long startTicks, String boot) {
	}
}
