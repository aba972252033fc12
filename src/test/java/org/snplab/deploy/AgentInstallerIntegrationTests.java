package org.snplab.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/agent/install.sh, run for real into a temporary root, downloading the jar from the in-process server.
 * The server runs from classes here, not a jar, so it serves a configured file (snplab.agent.jar) in place of its
 * own; starting {@code java -jar target/snplab.jar} would need the package phase and cost a JVM.
 */
class AgentInstallerIntegrationTests extends ServerIntegrationTest {

	private static final Path SERVED_JAR = servedJar();

	@DynamicPropertySource
	static void agentJar(DynamicPropertyRegistry registry) {
		registry.add("snplab.agent.jar", SERVED_JAR::toString);
	}

	@TempDir
	Path tmp;

	@Test
	void aSecondRunChangesNothingAndAChangedLabelChangesOnlyTheConfig() throws Exception {
		Path root = Files.createDirectory(tmp.resolve("root"));

		Command first = install(root, "--label", "coconut", "--label", "board=epyc");
		assertThat(first.exitCode()).as(first.output()).isZero();
		assertThat(first.stdout()).contains("installed /opt/snplab/snplab.jar", "installed /etc/snplab/agent.env",
				"installed /etc/systemd/system/snplab-agent.service");
		assertThat(root.resolve("opt/snplab/snplab.jar")).as("downloaded from the server").hasSameBinaryContentAs(SERVED_JAR);
		String env = Files.readString(root.resolve("etc/snplab/agent.env"));
		assertThat(env).contains("SNPLAB_SERVER=" + baseUrl(), "SNPLAB_REGISTRATION_TOKEN=" + REGISTRATION_TOKEN,
				"SNPLAB_AGENT_LABELS=--label coconut --label board=epyc", "SNPLAB_AGENT_RUN_AS=snplab-ci");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("etc/snplab/agent.env"))))
			.isEqualTo("rw-------");
		assertThat(Files.readString(root.resolve("etc/passwd"))).as("the steps' user").contains("snplab-ci:");
		assertThat(Files.readString(root.resolve("etc/group"))).containsPattern("kvm:x:\\d+:snplab-ci");
		Map<String, String> afterFirst = snapshot(root);

		Command second = install(root, "--label", "coconut", "--label", "board=epyc");
		assertThat(second.exitCode()).as(second.output()).isZero();
		assertThat(second.stdout()).contains("nothing changed").doesNotContain("installed ");
		assertThat(snapshot(root)).as("byte for byte").isEqualTo(afterFirst);

		Command relabeled = install(root, "--label", "coconut");
		assertThat(relabeled.exitCode()).as(relabeled.output()).isZero();
		assertThat(relabeled.stdout()).contains("changed: /etc/snplab/agent.env\n");
		Map<String, String> afterRelabel = snapshot(root);
		assertThat(afterRelabel.get("etc/snplab/agent.env")).contains("SNPLAB_AGENT_LABELS=--label coconut\n");
		afterRelabel.remove("etc/snplab/agent.env");
		afterFirst.remove("etc/snplab/agent.env");
		assertThat(afterRelabel).isEqualTo(afterFirst);
	}

	@Test
	void theInstalledUnitPassesSystemdAnalyzeVerify() throws Exception {
		Path root = Files.createDirectory(tmp.resolve("root"));
		assertThat(install(root, "--run-as", "ci-steps").exitCode()).isZero();
		String unit = Files.readString(root.resolve("etc/systemd/system/snplab-agent.service"));
		assertThat(unit).contains("ReadWritePaths=/var/lib/snplab-agent -/var/lib/ci-steps");

		Path units = Files.createDirectory(tmp.resolve("units"));
		Command verify = Command.run(Command.required("systemd-analyze", "systemd"), "verify",
				SystemdUnitsIntegrationTests.copyForThisMachine(root.resolve("etc/systemd/system/snplab-agent.service"), units)
					.toString());
		assertThat(verify.exitCode()).as(verify.output()).isZero();
		assertThat(verify.output()).isBlank();
	}

	@Test
	void badOptionsAndAWrongTokenAreRefusedWithWhatWasWrong() throws Exception {
		Path root = Files.createDirectory(tmp.resolve("root"));

		Command label = install(root, "--label", "two words");
		assertThat(label.exitCode()).isEqualTo(2);
		assertThat(label.stderr()).contains("--label wants KEY or KEY=VALUE, got 'two words'");

		Path wrong = Files.writeString(tmp.resolve("wrong-token"), "not-the-token\n");
		Command download = Command.run(Command.DEPLOY.resolve("agent/install.sh").toString(), "--server", baseUrl(),
				"--token-file", wrong.toString(), "--root", root.toString());
		assertThat(download.exitCode()).isEqualTo(1);
		assertThat(download.stderr()).contains("can't download the agent", "registration token or a host's credential");
		try (Stream<Path> files = Files.list(root)) {
			assertThat(files).as("nothing installed").isEmpty();
		}
		assertThat(HttpApi.anonymous(baseUrl()).get("/api/agent/snplab.jar").status()).isEqualTo(401);
	}

	private Command install(Path root, String... options) throws Exception {
		Path token = tmp.resolve("token");
		Files.writeString(token, REGISTRATION_TOKEN + "\n");
		List<String> command = new ArrayList<>(List.of(Command.DEPLOY.resolve("agent/install.sh").toString(), "--server",
				baseUrl(), "--token-file", token.toString(), "--root", root.toString()));
		command.addAll(List.of(options));
		return Command.run(command.toArray(String[]::new));
	}

	/** Every file under root: path and content (and mode). */
	private static Map<String, String> snapshot(Path root) throws Exception {
		Map<String, String> files = new TreeMap<>();
		try (Stream<Path> walk = Files.walk(root)) {
			for (Path file : walk.filter(Files::isRegularFile).toList()) {
				files.put(root.relativize(file).toString(), PosixFilePermissions.toString(Files.getPosixFilePermissions(file)) + "\n"
						+ new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1));
			}
		}
		return files;
	}

	/** A stand-in for snplab.jar: a real (tiny) jar file. */
	private static Path servedJar() {
		try {
			Path jar = Files.createTempFile("snplab-served", ".jar");
			try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
				out.putNextEntry(new java.util.zip.ZipEntry("served.txt"));
				out.write("served by the test server".getBytes());
			}
			return jar;
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}
}
