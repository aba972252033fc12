package org.snplab.agent.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
		String stat;
		try {
			stat = Files.readString(entry.resolve("stat"));
		}
		catch (IOException e) {
			return false; // gone while listing
		}
		// "pid (comm) S ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ')'.
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return !fields[0].equals("Z") && !fields[0].equals("X") && Long.parseLong(fields[2]) == pgid;
	}

	/** Whether a single process is running (not a zombie); for tests and diagnostics. */
	static boolean running(long pid) {
		Path entry = PROC.resolve(Long.toString(pid));
		String stat;
		try {
			stat = Files.readString(entry.resolve("stat"));
		}
		catch (IOException e) {
			return false;
		}
		String state = stat.substring(stat.lastIndexOf(')') + 2).split(" ")[0];
		return !state.equals("Z") && !state.equals("X");
	}
}
