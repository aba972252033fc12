package org.snplab.agent.probe;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.snplab.agent.probe.HostRoot.*;

/** SEV/SNP facts from kvm_amd parameters, real dmesg captures and snphost/sevctl self-tests. */
class HostProbeSevUnitTests {

	@TempDir
	Path dir;

	HostRoot host() {
		return new HostRoot(dir);
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
}
