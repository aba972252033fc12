package org.snplab.support;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A real agent: {@code java -cp ... SnplabApplication agent ...} as a child process. */
public final class AgentProcess implements AutoCloseable {

	private final Process process;

	private AgentProcess(Process process) {
		this.process = process;
	}

	public static AgentProcess start(String serverUrl, String token, Path workDir, String name, String... extraArgs)
			throws IOException {
		List<String> command = new ArrayList<>(List.of(ServerProcess.javaBinary(), "-Xmx128m", "-XX:TieredStopAtLevel=1",
				"-cp", System.getProperty("java.class.path"), "org.snplab.SnplabApplication", "agent", "--server",
				serverUrl, "--token", token, "--work-dir", workDir.toString(), "--name", name, "--kill-grace", "2"));
		command.addAll(List.of(extraArgs));
		Path log = workDir.resolveSibling(name + "-agent.log");
		java.nio.file.Files.createDirectories(workDir);
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
		return new AgentProcess(process);
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
