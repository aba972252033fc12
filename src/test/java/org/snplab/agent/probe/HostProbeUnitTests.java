package org.snplab.agent.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.snplab.agent.probe.HostRoot.*;

/** CPU, system file, device and robustness facts; SEV/SNP facts are in {@link HostProbeSevUnitTests}. */
class HostProbeUnitTests {

	@TempDir
	Path dir;

	HostRoot host() {
		return new HostRoot(dir);
	}

	@Test
	void everyHostFixtureIsUsedBySomeTest() throws IOException {
		try (Stream<Path> files = Files.list(HostRoot.FIXTURES)) {
			assertThat(files.map(f -> f.getFileName().toString()).collect(Collectors.toSet()))
				.containsExactlyInAnyOrderElementsOf(ALL_FIXTURES);
		}
	}

	@Test
	void milanCpuinfoGivesMilanFactsFromABlockThatIsNotProcessorZero() {
		Map<String, String> facts = host().cpuinfo(CPU_MILAN).probe();
		assertThat(facts).contains(entry("cpu.vendor", "AuthenticAMD"), entry("cpu.family", "25"),
				entry("cpu.model", "1"), entry("cpu.microcode", "0xa0011d5"),
				entry("cpu.model_name", "AMD EPYC 7413 24-Core Processor"), entry("cpu.generation", "milan"),
				entry("cpus", "1"));
	}

	@Test
	void genoaWithoutSevSnpFlagIsStillGenoaAndSnpCapable() {
		Map<String, String> facts = host().cpuinfo(CPU_GENOA).params("Y", "Y", "Y")
			.command("dmesg", DMESG_GENOA_OK).probe();
		assertThat(facts).contains(entry("cpu.generation", "genoa"), entry("cpu.model", "17"),
				entry("cpu.microcode", "0xa10110d"), entry("sev_snp", "true"), entry("snp.status", "enabled"));
	}

	@Test
	void romeIsOtherAndNeverSnpEvenIfTheParameterSaysSo() {
		Map<String, String> facts = host().cpuinfo(CPU_ROME).params("Y", "Y", "Y").probe();
		assertThat(facts).contains(entry("cpu.generation", "other"), entry("cpu.family", "23"), entry("sev", "true"),
				entry("sev_snp", "false"), entry("snp.status", "not supported by CPU"));
	}

	@Test
	void ryzenOfFamily25IsNotMilan() {
		assertThat(host().cpuinfo(CPU_RYZEN).probe()).contains(entry("cpu.family", "25"), entry("cpu.model", "33"),
				entry("cpu.generation", "other"));
	}

	@Test
	void intelWithSeparateVmxFlagsLineIsOtherAndNotSnpCapable() {
		Map<String, String> facts = host().cpuinfo(CPU_INTEL).params("Y", "Y", "Y").probe();
		assertThat(facts).contains(entry("cpu.vendor", "GenuineIntel"), entry("cpu.family", "6"),
				entry("cpu.model", "45"), entry("cpu.microcode", "0x718"), entry("cpu.generation", "other"),
				entry("sev_snp", "false"), entry("snp.status", "not supported by CPU"));
	}

	@Test
	void emptyRootGivesAbsentUnknownAndFalseWithoutException() {
		Map<String, String> facts = host().probe();
		assertThat(facts).containsOnlyKeys("agent.version", "cpu.vendor", "cpu.family", "cpu.model", "cpu.microcode",
				"cpu.model_name", "cpu.generation", "cpus", "sev", "sev_es", "sev_snp", "snp.status", "snp.selftest",
				"sev.firmware", "snp.firmware", "snp.asids", "kernel.release", "qemu.version", "memory.mb", "dev.sev",
				"dev.kvm", "dev.vhost_vsock");
		assertThat(facts).contains(entry("cpu.generation", "unknown"), entry("sev", "false"),
				entry("sev_es", "false"), entry("sev_snp", "false"), entry("snp.status", "kvm_amd not loaded"));
		facts.forEach((name, value) -> {
			if (!Set.of("agent.version", "cpu.generation", "sev", "sev_es", "sev_snp", "snp.status").contains(name)) {
				assertThat(value).as(name).isEqualTo("absent");
			}
		});
	}

	@Test
	void garbageCpuinfoIsUnknown() {
		assertThat(host().write("proc/cpuinfo", "\u0000\u00ff garbage\nvendor_id : x\ncpu family : ?\n").probe())
			.contains(entry("cpu.generation", "unknown"), entry("cpu.vendor", "absent"));
	}

	@Test
	void cpuinfoThatIsADirectoryIsUnknown() throws IOException {
		Files.createDirectories(dir.resolve("proc/cpuinfo"));
		assertThat(host().probe()).containsEntry("cpu.generation", "unknown");
	}

	@Test
	void capturedSystemFilesGiveKernelMemoryQemuAndCgroupAsids() {
		// constructed inputs: no fixture exists for these small files
		Map<String, String> facts = host().write("proc/sys/kernel/osrelease", "6.11.0-rc3-snp-host-85ef1ac03941\n")
			.write("proc/meminfo", "MemTotal:       263859864 kB\nMemFree:        1000 kB\n")
			.write("commands/qemu-version",
					"QEMU emulator version 8.2.0 (v8.2.0-snp)\nCopyright (c) 2003-2023 Fabrice Bellard\n")
			.write("sys/fs/cgroup/misc.capacity", "sev 410\nsev_es 99\n")
			.probe();
		assertThat(facts).contains(entry("kernel.release", "6.11.0-rc3-snp-host-85ef1ac03941"),
				entry("memory.mb", "257675"), entry("qemu.version", "8.2.0"), entry("snp.asids", "99"));
	}

	@Test
	void devicesAreRwPresentOrAbsent() throws IOException {
		host().write("dev/kvm", "");
		// a dangling link exists but cannot be opened, which also holds when the tests run as root
		Files.createSymbolicLink(dir.resolve("dev/sev"), dir.resolve("dev/nowhere"));
		assertThat(host().probe()).contains(entry("dev.kvm", "rw"), entry("dev.sev", "present"),
				entry("dev.vhost_vsock", "absent"));
	}

	@Test
	void liveRootProbesThisMachineWithoutThrowing() {
		Map<String, String> facts = new HostProbe(Path.of("/")).probe();
		assertThat(facts).containsKeys("cpu.generation", "sev_snp", "snp.status", "qemu.version");
		assertThat(Integer.parseInt(facts.get("cpus"))).isPositive();
	}
}
