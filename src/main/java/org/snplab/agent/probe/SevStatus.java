package org.snplab.agent.probe;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether SEV, SEV-ES and SEV-SNP are usable, from the kvm_amd module parameters, vetoed for SNP by any evidence
 * that it is not working. A false {@code sev_snp=true} sends SNP jobs to a host that cannot run them, so every
 * source may veto and the parameter alone is never trusted against a contrary log or self-test.
 */
final class SevStatus {

	private SevStatus() {
	}

	/** Facts sev, sev_es, sev_snp and snp.status. */
	static Map<String, String> facts(Path root, Optional<CpuInfo> cpu, DmesgParser dmesg, List<SnphostOk> selfTests) {
		Path params = root.resolve("sys/module/kvm_amd/parameters");
		Optional<Boolean> snpParam = parameter(params.resolve("sev_snp"));
		String reason = reason(params, snpParam, cpu, dmesg, selfTests);
		return Map.of("sev", flag(parameter(params.resolve("sev"))), "sev_es",
				flag(parameter(params.resolve("sev_es"))), "sev_snp", String.valueOf(reason.equals("enabled")),
				"snp.status", reason);
	}

	/** The most specific cause first: a failed INIT also turns the parameter to N, but says why. */
	private static String reason(Path params, Optional<Boolean> snpParam, Optional<CpuInfo> cpu, DmesgParser dmesg,
			List<SnphostOk> selfTests) {
		if (cpu.isPresent() && !cpu.get().snpCapable()) {
			return "not supported by CPU";
		}
		if (dmesg.snpFailure().isPresent()) {
			return dmesg.snpFailure().get();
		}
		for (SnphostOk test : selfTests) {
			if (test.verdict() == SnphostOk.Verdict.FAIL) {
				return "self-test failed: " + test.failedCheck().orElse("SNP");
			}
		}
		if (snpParam.isEmpty()) {
			if (Files.exists(params.resolve("sev_snp"))) {
				return "kvm_amd sev_snp unreadable";
			}
			return Files.isDirectory(params) ? "kvm_amd sev_snp parameter absent" : "kvm_amd not loaded";
		}
		return snpParam.get() ? "enabled" : "kvm_amd sev_snp=N";
	}

	/** Y/1 true, N/0 false; empty when the file is missing or holds anything else. */
	static Optional<Boolean> parameter(Path file) {
		return Texts.firstLine(file).flatMap(v -> switch (v) {
			case "Y", "y", "1" -> Optional.of(true);
			case "N", "n", "0" -> Optional.of(false);
			default -> Optional.empty();
		});
	}

	private static String flag(Optional<Boolean> value) {
		return String.valueOf(value.orElse(false));
	}
}
