package org.snplab.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real {@code systemd-analyze verify} on the deploy directory's units. It insists that ExecStart's binaries
 * exist; rather than fake a whole root (it would also need systemd's own units there), each unit is verified as a
 * copy whose binaries point at this machine's: the JVM running the test for {@code /usr/bin/java}, the checkout's
 * script for the backup. Verify only warns about an unknown or misspelled setting, so a warning fails too.
 */
class SystemdUnitsIntegrationTests {

	@TempDir
	Path tmp;

	@Test
	void theServerAgentAndBackupUnitsPassSystemdAnalyzeVerifyWithoutAWarning() throws Exception {
		String analyze = Command.required("systemd-analyze", "systemd");
		List<String> command = new ArrayList<>(List.of(analyze, "verify"));
		for (String unit : List.of("server/snplab.service", "agent/snplab-agent.service",
				"postgresql/snplab-backup.service", "postgresql/snplab-backup.timer")) {
			command.add(copyForThisMachine(Command.DEPLOY.resolve(unit), tmp).toString());
		}

		Command verify = Command.run(command.toArray(String[]::new));

		assertThat(verify.exitCode()).as(verify.output()).isZero();
		assertThat(verify.output()).as("no warning").isBlank();
	}

	@Test
	void aMisspelledSettingFailsTheCheck() throws Exception {
		Path unit = tmp.resolve("bad.service");
		Files.writeString(unit, Files.readString(copyForThisMachine(Command.DEPLOY.resolve("agent/snplab-agent.service"), tmp))
			.replace("KillMode=mixed", "KilMode=mixed"));

		Command verify = Command.run(Command.required("systemd-analyze", "systemd"), "verify", unit.toString());

		assertThat(verify.output()).contains("Unknown key 'KilMode'");
	}

	@Test
	void theUnitsNeverOrphanQemuAndLetTheAgentFinishStopping() throws Exception {
		String agent = Files.readString(Command.DEPLOY.resolve("agent/snplab-agent.service"));

		assertThat(agent).contains("KillMode=mixed", "ProtectSystem=strict", "ReadWritePaths=/var/lib/snplab-agent",
				"NoNewPrivileges=yes", "Restart=always", "RestartPreventExitStatus=2", "--label").doesNotContain(
						"KillMode=process", "KillMode=none", "PrivateDevices=yes", "DevicePolicy=");
		long stop = Long.parseLong(agent.replaceAll("(?s).*\nTimeoutStopSec=(\\d+).*", "$1"));
		assertThat(stop).as("above the default drain timeout and kill grace, with time to report")
			.isGreaterThanOrEqualTo(org.snplab.agent.AgentConfig.DEFAULT_DRAIN_TIMEOUT.toSeconds() + 10 + 30);
		assertThat(Files.readString(Command.DEPLOY.resolve("server/snplab.service"))).contains("User=snplab",
				"ProtectSystem=strict", "ReadWritePaths=/var/lib/snplab", "NoNewPrivileges=yes", "KillMode=mixed");
	}

	/** The unit, copied into dir (where the units it names sit too) with its binaries at paths that exist here. */
	static Path copyForThisMachine(Path unit, Path dir) throws Exception {
		String text = Files.readString(unit)
			.replace("/usr/bin/java", Path.of(System.getProperty("java.home"), "bin", "java").toString())
			.replace("/usr/local/lib/snplab/snplab-backup.sh", Command.DEPLOY.resolve("postgresql/snplab-backup.sh").toString());
		Path copy = dir.resolve(unit.getFileName());
		Files.writeString(copy, text);
		return copy;
	}
}
