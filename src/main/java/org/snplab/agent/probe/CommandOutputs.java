package org.snplab.agent.probe;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Output of the host commands the probe looks at, either run live (root "/") or read from the captured files
 * {@code ROOT/commands/NAME} of a host snapshot. Anything missing, failing or hanging is simply empty.
 */
final class CommandOutputs {

	static final String DMESG = "dmesg";

	static final String SNPHOST_OK = "snphost-ok";

	static final String SEVCTL_OK = "sevctl-ok";

	static final String QEMU_VERSION = "qemu-version";

	private static final Map<String, List<String>> COMMANDS = Map.of(DMESG, List.of("dmesg"), SNPHOST_OK,
			List.of("snphost", "ok"), SEVCTL_OK, List.of("sevctl", "ok"), QEMU_VERSION,
			List.of("qemu-system-x86_64", "--version"));

	private static final long TIMEOUT_SECONDS = 5;

	private final Path root;

	private final boolean live;

	CommandOutputs(Path root) {
		this.root = root;
		this.live = root.toAbsolutePath().normalize().equals(Path.of("/"));
	}

	Optional<String> output(String name) {
		return live ? run(COMMANDS.get(name)) : Texts.read(root.resolve("commands").resolve(name));
	}

	/**
	 * Stdout only, whatever the exit status: {@code snphost ok} and {@code sevctl ok} exit non-zero exactly when
	 * they have something to tell. Stdout goes to a temp file so a chatty command can never block on a full pipe.
	 */
	private static Optional<String> run(List<String> command) {
		File out = null;
		Process process = null;
		try {
			out = File.createTempFile("snplab-probe", ".out");
			process = new ProcessBuilder(command).redirectOutput(out)
				.redirectError(ProcessBuilder.Redirect.DISCARD)
				.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
				.start();
			if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				return Optional.empty();
			}
			String text = Files.readString(out.toPath(), java.nio.charset.StandardCharsets.ISO_8859_1);
			return text.isBlank() ? Optional.empty() : Optional.of(text);
		}
		catch (IOException ex) { // typically: binary not installed
			return Optional.empty();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Optional.empty();
		}
		finally {
			if (process != null && process.isAlive()) {
				process.destroyForcibly();
			}
			if (out != null) {
				out.delete();
			}
		}
	}
}
