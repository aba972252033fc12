package org.snplab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * PostgreSQL refuses to run as root. When the server is started as root we re-run it inside a new user namespace
 * ({@code unshare -U}), where it is an unprivileged user while its files stay root's on the outside.
 */
final class UserNamespace {

	static final String MARKER = "SNPLAB_IN_USER_NAMESPACE";

	/** The pid of the process that re-ran the server: when it is gone (even by {@code kill -9}), the server stops. */
	static final String PARENT = "SNPLAB_PARENT_PID";

	private UserNamespace() {
	}

	/** The exit code of the re-run server, or empty when this process should go on itself. */
	static Optional<Integer> rerunUnprivilegedIfRoot(String[] args) throws IOException, InterruptedException {
		if (!isRoot() || System.getenv(MARKER) != null || System.getenv("SNPLAB_ALLOW_ROOT") != null) {
			return Optional.empty();
		}
		Optional<String> java = ProcessHandle.current().info().command();
		Optional<String[]> jvmArgs = ProcessHandle.current().info().arguments();
		if (java.isEmpty() || jvmArgs.isEmpty() || !unshareWorks()) {
			return Optional.empty();
		}
		List<String> command = new ArrayList<>(List.of("unshare", "-U", java.get()));
		command.addAll(List.of(jvmArgs.get()));
		ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
		builder.environment().put(MARKER, "1");
		builder.environment().put(PARENT, Long.toString(ProcessHandle.current().pid()));
		Process server = builder.start();
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			server.destroy();
			try {
				server.waitFor();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}));
		return Optional.of(server.waitFor());
	}

	/**
	 * In the re-run server: stops it (as SIGTERM would, shutdown hooks and all) once the process that started it is
	 * gone. A {@code kill -9} of the process an admin started gives its shutdown hook no chance to stop this one.
	 */
	static void stopWithTheParent() {
		String parent = System.getenv(PARENT);
		if (parent == null || !parent.matches("[0-9]+")) {
			return;
		}
		ProcessHandle.of(Long.parseLong(parent)).ifPresentOrElse(process -> process.onExit().thenRun(() -> {
			System.err.println("snplab: the process that started this server (pid " + parent + ") is gone: stopping");
			System.exit(143);
		}), () -> System.exit(143));
	}

	private static boolean isRoot() {
		try {
			return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
		}
		catch (IOException | UnsupportedOperationException | IllegalArgumentException ex) {
			return false;
		}
	}

	private static boolean unshareWorks() {
		try {
			return new ProcessBuilder("unshare", "-U", "true").start().waitFor() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}
}
