package org.snplab.agent.process;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.snplab.agent.AgentConfig;

/**
 * One step, started as {@code setsid [setpriv ...] bash -e -c STEP} so that it leads a process group of its own: everything it
 * starts, including children that background themselves or re-parent (a QEMU that forks), stays in that group and
 * can be signalled at once. The JDK's child is never a group leader, so setsid doesn't fork and the group id is
 * the child's pid.
 */
public final class ProcessGroup {

	private static final Duration POLL = Duration.ofMillis(50);

	private final Process process;

	private boolean canceled;

	private ProcessGroup(Process process) {
		this.process = process;
	}

	/**
	 * Starts the step, as {@code user}, with stdout and stderr appended to {@code output}: a file the agent opened,
	 * not a pipe, so that a background child still holding the output open can never stall the agent after the
	 * step's shell exited.
	 */
	public static ProcessGroup start(String step, Path cwd, Map<String, String> env, Path output, StepUser user)
			throws IOException {
		List<String> command = new ArrayList<>(List.of("setsid"));
		command.addAll(user.prefix("bash", "-e", "-c", step));
		ProcessBuilder builder = new ProcessBuilder(command)
			.directory(cwd.toFile())
			.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
		builder.environment().remove(AgentConfig.TOKEN_VARIABLE); // the agent's secret, not the step's
		builder.environment().putAll(user.environment(cwd));
		builder.environment().putAll(env);
		return new ProcessGroup(builder.start());
	}

	public long pgid() {
		return process.pid();
	}

	/** True when the step's shell exited within the timeout. */
	public boolean waitFor(Duration timeout) throws InterruptedException {
		return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	public int exitValue() {
		return process.exitValue();
	}

	/** Whether the process is running (a zombie is not); for tests and diagnostics. */
	public static boolean running(long pid) {
		return ProcTable.running(pid);
	}

	/** Whether any process of the group is still running. */
	public boolean alive() {
		return process.isAlive() || (ProcTable.available() ? ProcTable.groupRunning(pgid()) : kill("-0"));
	}

	/**
	 * TERM to the whole group, up to {@code grace} for it to go, then KILL. Safe to call again and from several
	 * threads; later calls return at once.
	 */
	public synchronized void cancel(Duration grace) throws InterruptedException {
		if (canceled) {
			return;
		}
		canceled = true;
		if (!alive()) {
			return;
		}
		kill("-TERM");
		long deadline = System.nanoTime() + grace.toNanos();
		while (alive() && System.nanoTime() < deadline) {
			if (process.isAlive() && !kill("-0")) {
				// Signalled before setsid ran: the group doesn't exist yet, so tell the shell again.
				kill("-TERM");
			}
			Thread.sleep(POLL.toMillis());
		}
		if (alive()) {
			kill("-KILL");
			process.destroyForcibly();
			long killDeadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
			while (alive() && System.nanoTime() < killDeadline) {
				Thread.sleep(POLL.toMillis());
			}
		}
	}

	/** {@code /bin/kill SIGNAL -- -PGID}; true when kill succeeded, i.e. the group exists (zombies count). */
	private boolean kill(String signal) {
		return signal(signal, pgid());
	}

	static boolean signal(String signal, long pgid) {
		try {
			Process kill = new ProcessBuilder("/bin/kill", signal, "--", "-" + pgid)
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			return kill.waitFor() == 0;
		}
		catch (IOException e) {
			return false;
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return false;
		}
	}
}
