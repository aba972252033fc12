package org.snplab.support;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A real agent: {@code java -cp ... SnplabApplication agent ...} as a child process. */
public final class AgentProcess implements AutoCloseable {

	private final Process process;

	private AgentProcess(Process process) {
		this.process = process;
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
		return new AgentProcess(builder.start());
	}

	/** {@code kill -9}: the agent gets no chance to report anything; what its steps started is orphaned. */
	public void crash() throws InterruptedException {
		process.destroyForcibly();
		process.waitFor();
	}

	public boolean isAlive() {
		return process.isAlive();
	}

	@Override
	public void close() throws InterruptedException {
		if (process.isAlive()) {
			process.destroy();
			if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
				crash();
			}
		}
	}
}
