package org.snplab.agent.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.snplab.support.Fixtures;

import static org.assertj.core.api.Assertions.assertThat;

/** Builds a fake host root (ROOT/proc, ROOT/sys, ROOT/commands) in a temp dir from the real host fixtures. */
final class HostRoot {

	static final Path FIXTURES = Fixtures.path("hosts");

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

	final Path root;

	HostRoot(Path root) {
		this.root = root;
	}

	static Path fixture(String name) {
		Path file = FIXTURES.resolve(name);
		assertThat(file).as("fixture missing from src/test/resources/fixtures/hosts").isRegularFile();
		return file;
	}

	HostRoot cpuinfo(String fixture) {
		return copy(fixture, "proc/cpuinfo");
	}

	HostRoot command(String name, String fixture) {
		return copy(fixture, "commands/" + name);
	}

	/** kvm_amd parameters as sysfs shows them, e.g. sev=Y, sev_snp=N. */
	HostRoot params(String sev, String sevEs, String sevSnp) {
		return write("sys/module/kvm_amd/parameters/sev", sev + "\n")
			.write("sys/module/kvm_amd/parameters/sev_es", sevEs + "\n")
			.write("sys/module/kvm_amd/parameters/sev_snp", sevSnp + "\n");
	}

	HostRoot write(String relative, String text) {
		try {
			Path target = root.resolve(relative);
			Files.createDirectories(target.getParent());
			Files.writeString(target, text);
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private HostRoot copy(String fixture, String relative) {
		try {
			Path target = root.resolve(relative);
			Files.createDirectories(target.getParent());
			Files.copy(fixture(fixture), target);
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	Map<String, String> probe() {
		return new HostProbe(root).probe();
	}
}
