package org.snplab.support;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A real agent: {@code java -cp ... SnplabApplication agent ...} as a child process. */
public final class AgentProcess implements AutoCloseable {

	private final Process process;

	private final Path log;

	private AgentProcess(Process process, Path log) {
		this.process = process;
		this.log = log;
	}

	public static AgentProcess start(String serverUrl, String token, Path workDir, String name, String... extraArgs)
			throws IOException {
		List<String> args = new ArrayList<>(List.of("--token", token));
		args.addAll(List.of(extraArgs));
		return start(serverUrl, Map.of(), workDir, name, args);
	}

	/** An agent given its registration token in the environment ({@code SNPLAB_REGISTRATION_TOKEN}), not argv. */
	public static AgentProcess startWithTokenInEnvironment(String serverUrl, String token, Path workDir, String name)
			throws IOException {
		return start(serverUrl, Map.of("SNPLAB_REGISTRATION_TOKEN", token), workDir, name, List.of());
	}

	private static AgentProcess start(String serverUrl, Map<String, String> environment, Path workDir, String name,
			List<String> extraArgs) throws IOException {
		List<String> command = new ArrayList<>(List.of(ServerProcess.javaBinary(), "-Xmx128m", "-XX:TieredStopAtLevel=1",
				TestTemp.javaOption(),
				"-cp", System.getProperty("java.class.path"), "org.snplab.SnplabApplication", "agent", "--server",
				serverUrl, "--work-dir", workDir.toString(), "--name", name, "--kill-grace", "2"));
		command.addAll(extraArgs);
		Path log = workDir.resolveSibling(name + "-agent.log");
		java.nio.file.Files.createDirectories(workDir);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
		builder.environment().putAll(environment);
		return new AgentProcess(builder.start(), log);
	}

	/** {@code kill -9}: the agent gets no chance to report anything; what its steps started is orphaned. */
	public void crash() throws InterruptedException {
		process.destroyForcibly();
		process.waitFor();
	}

	/** Sends SIGTERM (what {@code systemctl stop} sends) and returns at once. */
	public void terminate() {
		process.destroy();
	}

	/** The exit code, once the agent has exited within {@code timeout}; else an AssertionError. */
	public int exitCode(java.time.Duration timeout) throws InterruptedException {
		if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
			throw new AssertionError("the agent is still running after " + timeout);
		}
		return process.exitValue();
	}

	/** What the agent wrote to stdout and stderr so far. */
	public String output() throws IOException {
		return java.nio.file.Files.readString(log);
	}

	public boolean isAlive() {
		return process.isAlive();
	}

	@Override
	public void close() throws InterruptedException {
		if (process.isAlive()) {
			// Twice: the first SIGTERM drains (waits for running jobs), the second cancels them.
			process.destroy();
			process.destroy();
			if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
				crash();
			}
		}
	}
}
