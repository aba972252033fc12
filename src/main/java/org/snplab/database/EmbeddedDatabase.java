package org.snplab.database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts zonky's embedded PostgreSQL on a data directory that outlives the process.
 * <p>
 * A server killed with {@code kill -9} leaves its postmaster running (pg_ctl daemonises it) and a
 * {@code postmaster.pid} behind. On the next start we stop that orphan, or drop the pid file when its process is
 * gone, instead of failing with "lock file already exists".
 */
public final class EmbeddedDatabase {

	private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

	private EmbeddedDatabase() {
	}

	public static EmbeddedPostgres start(Path directory) throws IOException {
		Files.createDirectories(directory);
		recoverFromCrash(directory);
		return EmbeddedPostgres.builder()
			.setDataDirectory(directory)
			.setCleanDataDirectory(false)
			.setPGStartupWait(Duration.ofSeconds(60))
			.setServerConfig("max_connections", "300")
			.setServerConfig("synchronous_commit", "on")
			// Stopped by Spring when the context closes, after everything using it (Quartz, the pool): zonky's own
			// shutdown hook would stop it at once, beside Spring's, and the last queries would fail with errors.
			.setRegisterShutdownHook(false)
			.start();
	}

	static void recoverFromCrash(Path directory) throws IOException {
		Path pidFile = directory.resolve("postmaster.pid");
		if (!Files.exists(pidFile)) {
			return;
		}
		Optional<ProcessHandle> orphan = postmaster(pidFile);
		if (orphan.isPresent()) {
			log.warn("Stopping orphaned PostgreSQL (pid {}) left on {} by an earlier crash", orphan.get().pid(), directory);
			stop(orphan.get());
		}
		if (Files.deleteIfExists(pidFile)) {
			log.warn("Removed stale {}", pidFile);
		}
	}

	private static Optional<ProcessHandle> postmaster(Path pidFile) throws IOException {
		List<String> lines = Files.readAllLines(pidFile);
		if (lines.isEmpty()) {
			return Optional.empty();
		}
		long pid;
		try {
			pid = Long.parseLong(lines.get(0).trim());
		}
		catch (NumberFormatException ex) {
			return Optional.empty();
		}
		// The pid may have been reused by an unrelated process since the crash: only a postgres counts.
		return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(EmbeddedDatabase::isPostgres);
	}

	/**
	 * Whether the process is a postgres. Its command is often unknown to us: in a user namespace (the server as root
	 * re-runs itself in one) the executable of a process started by an earlier namespace can't be read, so its name
	 * in {@code /proc/<pid>/comm}, readable by anyone, decides then.
	 */
	private static boolean isPostgres(ProcessHandle process) {
		Optional<String> command = process.info().command();
		if (command.isPresent()) {
			return command.get().endsWith("postgres");
		}
		try {
			return Files.readString(Path.of("/proc", Long.toString(process.pid()), "comm")).strip().equals("postgres");
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static void stop(ProcessHandle postmaster) {
		postmaster.destroy(); // SIGTERM: smart shutdown; its clients died with the old server
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (postmaster.isAlive() && System.nanoTime() < deadline) {
			sleep(100);
		}
		if (postmaster.isAlive()) {
			postmaster.destroyForcibly();
			while (postmaster.isAlive()) {
				sleep(100);
			}
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while stopping an orphaned PostgreSQL", ex);
		}
	}
}
