package org.snplab.agent.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The commands the agent puts on every step's {@code PATH}, in {@code WORK_DIR/bin}: {@code snplab-send} and
 * {@code snplab-wait}, small shell scripts that run this agent's own java and jar as
 * {@code snplab.jar rendezvous send|wait ...} ({@code org.snplab.agent.RendezvousCommand}). Rewritten when they
 * differ (another java or jar after an upgrade); world-readable, so that a {@code --run-as} user runs them too.
 */
public final class StepCommands {

	static final List<String> NAMES = List.of("snplab-send", "snplab-wait");

	private StepCommands() {
	}

	/** Writes the commands (when they changed) and returns their directory. */
	public static Path install(Path workDir) throws IOException {
		Path bin = workDir.toAbsolutePath().resolve("bin");
		Files.createDirectories(bin);
		Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
		for (String name : NAMES) {
			String script = script(name);
			Path file = bin.resolve(name);
			if (Files.isRegularFile(file) && Files.readString(file).equals(script)) {
				continue;
			}
			// Written beside and moved in place: a step of another slot never runs half a script.
			Path temp = Files.createTempFile(bin, name, ".tmp");
			Files.writeString(temp, script);
			Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
			Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		return bin;
	}

	private static String script(String name) {
		List<String> command = new ArrayList<>(List.of(java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
				"-XX:-UsePerfData", "-Xmx64m"));
		String classPath = System.getProperty("java.class.path");
		if (isSpringBootJar(classPath)) {
			command.addAll(List.of("-jar", classPath));
		}
		else {
			command.addAll(List.of("-cp", classPath, "org.snplab.SnplabApplication"));
		}
		command.addAll(List.of("rendezvous", name.substring("snplab-".length())));
		// Java 17 decodes its arguments and encodes its output by the locale: UTF-8 whatever the step's is.
		StringBuilder line = new StringBuilder("LC_ALL=C.UTF-8\nexport LC_ALL\nexec");
		command.forEach(word -> line.append(' ').append(quoted(word)));
		return "#!/bin/sh\n# " + name + ": written by the snplab agent for its jobs' steps (see the README).\n" + line
				+ " \"$@\"\n";
	}

	/** The java running this agent. */
	private static String java() {
		return ProcessHandle.current()
			.info()
			.command()
			.orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
	}

	/**
	 * The agent runs from snplab.jar ({@code java -jar}): its classes are inside it, reachable only through Spring
	 * Boot's launcher. Any other class path (classes directories, a manifest-only jar) is used as it is.
	 */
	private static boolean isSpringBootJar(String classPath) {
		if (classPath == null || classPath.contains(java.io.File.pathSeparator) || !classPath.endsWith(".jar")) {
			return false;
		}
		try (JarFile jar = new JarFile(classPath)) {
			Manifest manifest = jar.getManifest();
			return manifest != null && manifest.getMainAttributes().getValue("Start-Class") != null;
		}
		catch (IOException e) {
			return false;
		}
	}

	/** In single quotes for sh, a single quote as {@code '\''}. */
	private static String quoted(String word) {
		return "'" + word.replace("'", "'\\''") + "'";
	}
}
