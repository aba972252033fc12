package org.snplab.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Keeps a test run's temporary files out of {@code /tmp}: Maven points {@code java.io.tmpdir} (and {@code TMPDIR},
 * for git, PostgreSQL and Chromium) at {@code target/test-tmp}, server and agent processes started by tests get the
 * same, and when the run ends the embedded PostgreSQL (if one was started) stops and the directory is deleted.
 */
public final class TestTemp implements LauncherSessionListener {

	/** The option that gives a test's child JVM the same temporary directory. */
	public static String javaOption() {
		return "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir");
	}

	@Override
	public void launcherSessionOpened(LauncherSession session) {
		try {
			Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("can't create the tests' temporary directory", ex);
		}
	}

	@Override
	public void launcherSessionClosed(LauncherSession session) {
		TestDatabases.stopEmbedded();
		Path root = Path.of(System.getProperty("java.io.tmpdir"));
		if (!root.endsWith("test-tmp")) {
			return; // not run by Maven (an IDE's run in /tmp): nothing of ours to tell apart from the rest
		}
		try (Stream<Path> files = Files.walk(root)) {
			files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
		}
		catch (IOException | UncheckedIOException ex) {
			// Left for `mvn clean`: it is under target/.
		}
	}
}
