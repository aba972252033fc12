package org.snplab.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The pipelines in docs/examples stay valid: each parses, and says what its comments promise. */
class ExamplePipelinesUnitTests {

	@Test
	void coconutSvsmsPipelineBuildsQemuThroughTheCacheAndGivesEachGuestItsSlotsVsock() throws Exception {
		Pipeline pipeline = PipelineParser.parse(Files.readString(Path.of("docs/examples/coconut-svsm.snplab.yml")));

		assertThat(pipeline.jobs()).extracting(JobSpec::name).containsExactly("qemu-nocc-test-in-svsm", "snp-test-in-svsm",
				"live-migration/source", "live-migration/destination");
		JobSpec nocc = pipeline.jobs().get(0);
		JobSpec snp = pipeline.jobs().get(1);
		for (JobSpec job : pipeline.jobs()) {
			assertThat(job.caches()).containsExactly(new CacheSpec(
					"qemu-${QEMU_REF}-igvm-${IGVM_REF}-config-${hashFiles('.snplab.yml')}", List.of("citests/qemu")));
			assertThat(job.steps()).contains("make bin/coconut-test-qemu.igvm");
		}
		for (JobSpec job : List.of(nocc, snp)) {
			assertThat(job.caches()).containsExactly(new CacheSpec(
					"qemu-${QEMU_REF}-igvm-${IGVM_REF}-config-${hashFiles('.snplab.yml')}", List.of("citests/qemu")));
			assertThat(job.env()).containsEntry("QEMU_REPO", "https://github.com/coconut-svsm/qemu.git")
				.containsEntry("IGVM_REF", "igvm-v0.3.4");
			assertThat(job.submodules()).isEqualTo("true");
			assertThat(job.steps().get(0)).contains("PREFIX=\"$OUT\" make -C igvm_c install", "make -j \"$(nproc)\" install");
			assertThat(job.steps()).contains("make bin/coconut-test-qemu.igvm");
			assertThat(job.steps().get(3)).contains("scripts/test-in-svsm.sh",
					"--vsock-cid \"$SNPLAB_VSOCK_CID\" --vsock-port \"$SNPLAB_VSOCK_PORT\"");
		}
		assertThat(nocc.steps().get(3)).contains("--nocc");
		assertThat(snp.steps().get(3)).doesNotContain("--nocc").contains("$SNPLAB_INFRA_ERROR");
		assertThat(snp.requires().describe()).contains("sev_snp");
		assertThat(nocc.requires().describe()).doesNotContain("sev_snp");
	}

	@Test
	void theLiveMigrationRunsOnTwoSnpHostsOfOneGenerationAndFirmwareThatKnowEachOther() throws Exception {
		Pipeline pipeline = PipelineParser.parse(Files.readString(Path.of("docs/examples/coconut-svsm.snplab.yml")));

		JobSpec source = pipeline.jobs().get(2);
		JobSpec destination = pipeline.jobs().get(3);
		assertThat(source.gang()).isEqualTo(new JobSpec.Gang("live-migration", "source", List.of("source", "destination"),
				List.of("cpu.generation", "snp.firmware")));
		assertThat(destination.gang().role()).isEqualTo("destination");
		assertThat(source.requires().describe()).contains("sev_snp=true");
		assertThat(source.memoryMb()).isEqualTo(8192);
		assertThat(source.steps().get(3)).contains("--source", "$SNPLAB_HOST_DESTINATION");
		assertThat(destination.steps().get(3)).contains("--destination", "$SNPLAB_HOST_SOURCE");
	}
}
