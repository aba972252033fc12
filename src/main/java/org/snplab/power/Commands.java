package org.snplab.power;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs a program for a driver (ipmitool, a power script): its output and exit code, killed past the timeout. */
final class Commands {

	/** More is never a useful BMC answer; the rest is read and dropped so the program never blocks on a full pipe. */
	private static final int MAX_OUTPUT = 16 * 1024;

	private Commands() {
	}

	record Result(int exitCode, String output) {
	}

	static Result run(List<String> command, Map<String, String> environment, Duration timeout) throws PowerFailure {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
		builder.environment().putAll(environment);
		Process process;
		try {
			process = builder.start();
		}
		catch (IOException ex) {
			throw new PowerFailure("can't run " + command.get(0) + ": " + ex.getMessage());
		}
		CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
		try {
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.descendants().forEach(ProcessHandle::destroyForcibly);
				process.destroyForcibly();
				throw new PowerFailure(command.get(0) + " did not finish within " + timeout.toSeconds() + " s: "
						+ output.getNow("").strip());
			}
			return new Result(process.exitValue(), output.get(5, TimeUnit.SECONDS).strip());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
			throw new PowerFailure("interrupted while " + command.get(0) + " ran");
		}
		catch (ExecutionException | TimeoutException ex) {
			return new Result(process.exitValue(), "");
		}
	}

	private static String read(InputStream in) {
		try (in) {
			byte[] kept = in.readNBytes(MAX_OUTPUT);
			in.transferTo(OutputStream.nullOutputStream());
			return new String(kept, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}
}
