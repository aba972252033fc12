package org.snplab.agent.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Who a job's steps run as. By default the agent's own user; with {@code --run-as USER} (the agent then runs as
 * root) another, unprivileged one, so that the code under test can't read the agent's credential, change the
 * agent or the host's git mirrors, or touch another slot's files. Steps switch user through {@code setpriv}
 * (util-linux), keeping the user's groups (e.g. {@code kvm} for {@code /dev/kvm} and {@code /dev/sev}).
 */
public record StepUser(String name, int uid, int gid) {

	/** The agent's own user: steps run as it, with nothing switched. */
	public static final StepUser AGENT = new StepUser(null, -1, -1);

	/**
	 * Looks the user up and checks it can be used.
	 *
	 * @param name null for {@link #AGENT}
	 * @throws IOException with a message fit for the agent's refusal to start
	 */
	public static StepUser of(String name, Path workDir) throws IOException {
		if (name == null) {
			return AGENT;
		}
		if (!agentIsRoot()) {
			throw new IOException("--run-as " + name + " needs the agent to run as root");
		}
		StepUser user = new StepUser(name, id(name, "-u"), id(name, "-g"));
		if (user.uid == 0) {
			throw new IOException("--run-as " + name + " is root: give an unprivileged user");
		}
		if (run(user.prefix("test", "-x", workDir.toAbsolutePath().toString())) != 0) {
			throw new IOException("user " + name + " can't reach " + workDir.toAbsolutePath()
					+ ": make it and its parent directories searchable (chmod o+x)");
		}
		return user;
	}

	/** Whether this process (the agent) runs as root. */
	public static boolean agentIsRoot() throws IOException {
		return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
	}

	/** The command that runs {@code command} as this user. */
	List<String> prefix(String... command) {
		if (this == AGENT) {
			return List.of(command);
		}
		return Stream.concat(Stream.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--init-groups"),
				Stream.of(command)).toList();
	}

	/** The environment a step of this user starts with, on top of the agent's. */
	Map<String, String> environment(Path workspace) {
		if (this == AGENT) {
			return Map.of();
		}
		return Map.of("HOME", workspace.toAbsolutePath().toString(), "USER", name, "LOGNAME", name);
	}

	/** Makes the tree this user's (a fresh checkout, made by the agent). */
	public void own(Path tree) throws IOException {
		if (this == AGENT) {
			return;
		}
		if (run(List.of("chown", "-R", "--no-dereference", uid + ":" + gid, tree.toAbsolutePath().toString())) != 0) {
			throw new IOException("can't give " + tree + " to user " + name);
		}
	}

	private static int id(String name, String flag) throws IOException {
		Process id = new ProcessBuilder("id", flag, name).redirectErrorStream(true).start();
		String out = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
		if (waitFor(id) != 0 || !out.matches("\\d+")) {
			throw new IOException("--run-as: no user " + name + " on this host");
		}
		return Integer.parseInt(out);
	}

	private static int run(List<String> command) throws IOException {
		return waitFor(new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start());
	}

	private static int waitFor(Process process) throws IOException {
		try {
			return process.waitFor();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted", e);
		}
	}
}
