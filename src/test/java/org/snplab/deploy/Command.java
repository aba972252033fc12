package org.snplab.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/** A real command the deploy files are checked with (systemd-analyze, nginx, openssl, install.sh). */
record Command(int exitCode, String stdout, String stderr) {

	/** The deploy directory of this checkout (tests run from the project's root). */
	static final Path DEPLOY = Path.of("deploy").toAbsolutePath();

	static Command run(Map<String, String> environment, String... command) throws IOException, InterruptedException {
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.environment().putAll(environment);
		Path out = Files.createTempFile("snplab-command", ".out");
		Path err = Files.createTempFile("snplab-command", ".err");
		try {
			Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
			if (!process.waitFor(120, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				fail(String.join(" ", command) + " did not finish in 120 s");
			}
			return new Command(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
					Files.readString(err, StandardCharsets.UTF_8));
		}
		finally {
			Files.deleteIfExists(out);
			Files.deleteIfExists(err);
		}
	}

	static Command run(String... command) throws IOException, InterruptedException {
		return run(Map.of(), command);
	}

	/**
	 * The path of a tool the tests need; nothing is skipped silently: a machine without it fails, saying where it
	 * comes from.
	 */
	static String required(String tool, String debianPackage) {
		for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
			if (Files.isExecutable(Path.of(dir, tool))) {
				return Path.of(dir, tool).toString();
			}
		}
		return fail(tool + " is missing: `apt-get install -y " + debianPackage + "` (.ci/run installs it)");
	}

	String output() {
		return stdout + stderr;
	}
}
