package org.snplab.agent.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads /proc to tell whether a process group still has a running member. {@code kill -0 -- -PGID} can't: it
 * also succeeds for zombies, and killed orphans stay zombies for as long as the reaper (PID 1 in a container, a
 * service manager elsewhere) takes to collect them, which would make every cancel wait out the whole grace.
 */
final class ProcTable {

	private static final Path PROC = Path.of("/proc");

	private ProcTable() {
	}

	static boolean available() {
		return Files.isReadable(PROC.resolve("self/stat"));
	}

	static boolean groupRunning(long pgid) {
		try (Stream<Path> entries = Files.list(PROC)) {
			return entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
				.anyMatch(p -> runningIn(p, pgid));
		}
		catch (IOException e) {
			return true;
		}
	}

	/** Whether the process behind the /proc entry is running (not a zombie) and in the group. */
	static boolean runningIn(Path entry, long pgid) {
		return stat(entry).filter(s -> s.running() && s.pgrp() == pgid).isPresent();
	}

	/** The running (not zombie) processes of the group. */
	static List<Stat> membersOf(long pgid) throws IOException {
		try (Stream<Path> entries = Files.list(PROC)) {
			return entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
				.flatMap(p -> stat(p).stream())
				.filter(s -> s.running() && s.pgrp() == pgid)
				.toList();
		}
	}

	/** The process's start, in clock ticks since boot: with the boot id, it tells a reused pid from the original. */
	static Optional<Long> startTicks(long pid) {
		return stat(PROC.resolve(Long.toString(pid))).map(Stat::startTicks);
	}

	/** This boot of the machine: start times in ticks since boot mean nothing across boots. */
	static String bootId() {
		try {
			return Files.readString(PROC.resolve("sys/kernel/random/boot_id")).strip();
		}
		catch (IOException e) {
			return "unknown";
		}
	}

	/** The fields of /proc/PID/stat that matter here. */
	record Stat(long pid, String state, long pgrp, long session, long startTicks) {

		boolean running() {
			return !state.equals("Z") && !state.equals("X");
		}
	}

	private static Optional<Stat> stat(Path entry) {
		String stat;
		try {
			stat = Files.readString(entry.resolve("stat"));
		}
		catch (IOException e) {
			return Optional.empty(); // gone while listing
		}
		// "pid (comm) S ppid pgrp session ... starttime ...": comm may hold spaces and parentheses, so split after the
		// last ')'; field n of proc(5) is then at index n - 3.
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return Optional.of(new Stat(Long.parseLong(stat.substring(0, stat.indexOf(' '))), fields[0],
				Long.parseLong(fields[2]), Long.parseLong(fields[3]), Long.parseLong(fields[19])));
	}

	/** Whether a single process is running (not a zombie); for tests and diagnostics. */
	static boolean running(long pid) {
		return stat(PROC.resolve(Long.toString(pid))).filter(Stat::running).isPresent();
	}
}
