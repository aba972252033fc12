package org.snplab.hosts;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HealthJudgeUnitTests {

	@Test
	void snpTurnedOffIsWorse() {
		assertThat(HealthJudge.worsened(Map.of("sev_snp", "true"), Map.of("sev_snp", "false", "snp.status", "kvm_amd not loaded")))
			.hasValue("SNP turned off: sev_snp was true, now false (kvm_amd not loaded)");
		assertThat(HealthJudge.worsened(Map.of("sev_snp", "true"), Map.of())).hasValue("SNP turned off: sev_snp was true, now absent");
	}

	@Test
	void firmwareDowngradedIsWorseButUpgradedIsNot() {
		assertThat(HealthJudge.worsened(Map.of("snp.firmware", "1.55.21"), Map.of("snp.firmware", "1.55.8")))
			.hasValue("SNP firmware downgraded: snp.firmware was 1.55.21, now 1.55.8");
		assertThat(HealthJudge.worsened(Map.of("snp.firmware", "1.55.8"), Map.of("snp.firmware", "1.55.21"))).isEmpty();
		assertThat(HealthJudge.worsened(Map.of("snp.firmware", "1.55"), Map.of("snp.firmware", "1.55.0"))).isEmpty();
	}

	@Test
	void aHostThatNeverHadSnpOrAFirmwareVersionIsNotWorse() {
		assertThat(HealthJudge.worsened(Map.of("sev_snp", "false"), Map.of("sev_snp", "false"))).isEmpty();
		assertThat(HealthJudge.worsened(Map.of("snp.firmware", "absent"), Map.of("snp.firmware", "1.55.21"))).isEmpty();
		assertThat(HealthJudge.worsened(Map.of("snp.firmware", "1.55.21"), Map.of("snp.firmware", "absent"))).isEmpty();
	}
}
