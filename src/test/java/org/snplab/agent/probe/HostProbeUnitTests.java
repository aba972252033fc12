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

class HostProbeUnitTests {

	static final String CPU_MILAN = "cpuinfo-milan-epyc7413-kubevirt-sev-host.txt";

	static final String CPU_GENOA = "cpuinfo-genoa-epyc9654-rocky8.5-archspec.txt";

	static final String CPU_ROME = "cpuinfo-rome-epyc7742-kubevirt-sev-host.txt";

	static final String CPU_RYZEN = "cpuinfo-amd-ryzen9-5950x-fam25-archspec.txt";

	static final String CPU_INTEL = "cpuinfo-intel-xeon-e5-2670-baremetal-insights-core.txt";

	static final String DMESG_GENOA_OK = "dmesg-snp-host-6.9-sev-snp-grep-hbos.txt";

	static final String DMESG_MILAN_OK = "dmesg-milan-7453-snp-ok-6.11-fw1.55b31-amdsev271.txt";

	static final String DMESG_INIT_FAIL = "dmesg-milan-7443p-snp-init-fail-0x3-amdsev189.txt";

	static final String DMESG_FW_OLD = "dmesg-milan-fw-too-old-api1.49-amdsev140.txt";

	static final String DMESG_SNP_N = "dmesg-milan-r7515-no-es-asids-sev_es-sev_snp-N-amdsev84.txt";

	static final String SNPHOST_PASS = "snphost-ok-all-pass-fw1.55-hbos.txt";

	static final String SNPHOST_JSON = "snphost-ok-json-head-nonroot-failures-skipped-snphost193-TRUNCATED.json.txt";

	static final String SEVCTL_PASS = "sevctl-ok-milan-all-pass-amdsev271.txt";

	static final String SEVCTL_ROME_FAIL = "sevctl-ok-rome-snp-fail-with-error-trailer-enarx-sevctl93.txt";

	static final Set<String> ALL_FIXTURES = Set.of(CPU_MILAN, CPU_GENOA, CPU_ROME, CPU_RYZEN, CPU_INTEL, DMESG_GENOA_OK,
			DMESG_MILAN_OK, DMESG_INIT_FAIL, DMESG_FW_OLD, DMESG_SNP_N, SNPHOST_PASS, SNPHOST_JSON, SEVCTL_PASS,
			SEVCTL_ROME_FAIL);

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
	void workingGenoaClassDmesgGivesFirmwareAndAsids() {
		Map<String, String> facts = host().params("Y", "Y", "Y").command("dmesg", DMESG_GENOA_OK).probe();
		assertThat(facts).contains(entry("snp.firmware", "1.55.38"), entry("sev.firmware", "1.55.38"),
				entry("snp.asids", "99"), entry("sev_snp", "true"));
	}

	@Test
	void workingMilanDmesgGivesFirmwareAndAsids() {
		Map<String, String> facts = host().cpuinfo(CPU_MILAN).params("Y", "Y", "Y").command("dmesg", DMESG_MILAN_OK)
			.probe();
		assertThat(facts).contains(entry("snp.firmware", "1.55.31"), entry("snp.asids", "254"),
				entry("sev", "true"), entry("sev_es", "true"), entry("sev_snp", "true"),
				entry("snp.status", "enabled"));
	}

	@Test
	void snpInitFailureVetoesTheParameter() {
		Map<String, String> facts = host().cpuinfo(CPU_MILAN).params("Y", "Y", "Y")
			.command("dmesg", DMESG_INIT_FAIL).probe();
		assertThat(facts).contains(entry("sev_snp", "false"), entry("snp.status", "SNP INIT failed (error 0x3)"),
				entry("sev.firmware", "1.55.7"), entry("snp.firmware", "absent"), entry("snp.asids", "99"));
	}

	@Test
	void firmwareTooOldForSnpVetoesTheParameter() {
		Map<String, String> facts = host().params("Y", "Y", "Y").command("dmesg", DMESG_FW_OLD).probe();
		assertThat(facts).contains(entry("sev_snp", "false"), entry("sev.firmware", "1.49.3"),
				entry("snp.firmware", "absent"),
				entry("snp.status", "SNP firmware too old (have 1.49.3, needs >= 1.51)"));
	}

	@Test
	void sevEsAndSevSnpParametersNGiveFalseWithTheReason() {
		// parameter values as shown by the cat commands inside that same fixture
		Map<String, String> facts = host().params("Y", "N", "N").command("dmesg", DMESG_SNP_N).probe();
		assertThat(facts).contains(entry("sev", "true"), entry("sev_es", "false"), entry("sev_snp", "false"),
				entry("snp.status", "kvm_amd sev_snp=N"), entry("snp.firmware", "1.51.3"),
				entry("snp.asids", "absent"));
	}

	@Test
	void snphostAllPassGivesFirmwareWhenDmesgIsMissing() {
		Map<String, String> facts = host().params("Y", "Y", "Y").command("snphost-ok", SNPHOST_PASS).probe();
		assertThat(facts).contains(entry("snp.selftest", "pass"), entry("snp.firmware", "1.55"),
				entry("sev_snp", "true"));
	}

	@Test
	void dmesgFirmwareWithBuildWinsOverSnphost() {
		Map<String, String> facts = host().params("Y", "Y", "Y").command("snphost-ok", SNPHOST_PASS)
			.command("dmesg", DMESG_GENOA_OK).probe();
		assertThat(facts).contains(entry("snp.firmware", "1.55.38"), entry("snp.selftest", "pass"));
	}

	@Test
	void snphostJsonWithPermissionFailuresIsInconclusiveAndVetoesNothing() {
		Map<String, String> facts = host().params("Y", "Y", "Y").command("snphost-ok", SNPHOST_JSON).probe();
		assertThat(facts).contains(entry("snp.selftest", "inconclusive"), entry("snp.firmware", "absent"),
				entry("sev_snp", "true"));
	}

	@Test
	void sevctlAllPassOnMilanIsAPass() {
		Map<String, String> facts = host().cpuinfo(CPU_MILAN).params("Y", "Y", "Y").command("sevctl-ok", SEVCTL_PASS)
			.probe();
		assertThat(facts).contains(entry("snp.selftest", "pass"), entry("sev_snp", "true"));
	}

	@Test
	void sevctlSnpFailOnRomeVetoesSevSnpEvenWithoutCpuinfo() {
		Map<String, String> facts = host().params("Y", "Y", "Y").command("sevctl-ok", SEVCTL_ROME_FAIL).probe();
		assertThat(facts).contains(entry("snp.selftest", "fail"), entry("sev_snp", "false"),
				entry("snp.status", "self-test failed: Secure Nested Paging (SEV-SNP)"), entry("sev", "true"));
	}

	@Test
	void emptyRootGivesAbsentUnknownAndFalseWithoutException() {
		Map<String, String> facts = host().probe();
		assertThat(facts).containsOnlyKeys("cpu.vendor", "cpu.family", "cpu.model", "cpu.microcode",
				"cpu.model_name", "cpu.generation", "cpus", "sev", "sev_es", "sev_snp", "snp.status", "snp.selftest",
				"sev.firmware", "snp.firmware", "snp.asids", "kernel.release", "qemu.version", "memory.mb", "dev.sev",
				"dev.kvm", "dev.vhost_vsock");
		assertThat(facts).contains(entry("cpu.generation", "unknown"), entry("sev", "false"),
				entry("sev_es", "false"), entry("sev_snp", "false"), entry("snp.status", "kvm_amd not loaded"));
		facts.forEach((name, value) -> {
			if (!Set.of("cpu.generation", "sev", "sev_es", "sev_snp", "snp.status").contains(name)) {
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
