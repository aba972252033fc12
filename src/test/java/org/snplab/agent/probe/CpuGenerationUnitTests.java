package org.snplab.agent.probe;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generations without a real fixture. The cpuinfo texts below are CONSTRUCTED (family/model/name as published
 * for these parts), not captured from a host.
 */
class CpuGenerationUnitTests {

	static String generation(int family, int model, String name) {
		String text = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: " + family + "\nmodel\t\t: " + model
				+ "\nmodel name\t: " + name + "\nflags\t\t: fpu sev sev_es sev_snp\n";
		return CpuInfo.parse(text).orElseThrow().generation();
	}

	@Test
	void bergamoIsFamily19hModelA0hWithAnEpyc97x4Name() {
		assertThat(generation(0x19, 0xA0, "AMD EPYC 9754 128-Core Processor")).isEqualTo("bergamo");
	}

	@Test
	void sienaIsFamily19hModelA0hWithAnEpyc8004Name() {
		assertThat(generation(0x19, 0xA0, "AMD EPYC 8534P 64-Core Processor")).isEqualTo("siena");
	}

	@Test
	void turinIsFamily1AhWithAnEpyc9xx5Name() {
		assertThat(generation(0x1A, 0x02, "AMD EPYC 9555 64-Core Processor")).isEqualTo("turin");
		assertThat(generation(0x1A, 0x11, "AMD EPYC 9965 192-Core Processor")).isEqualTo("turin");
	}

	@Test
	void modelRangeBoundariesOfFamily19h() {
		assertThat(generation(0x19, 0x0F, "AMD EPYC 7763 64-Core Processor")).isEqualTo("milan");
		assertThat(generation(0x19, 0x10, "AMD EPYC 9654 96-Core Processor")).isEqualTo("genoa");
		assertThat(generation(0x19, 0x1F, "AMD EPYC 9684X 96-Core Processor")).isEqualTo("genoa");
		assertThat(generation(0x19, 0x20, "AMD EPYC 9654 96-Core Processor")).isEqualTo("other");
	}

	@Test
	void epycOutsideTheServerSnpLinesIsOther() {
		assertThat(generation(0x19, 0x61, "AMD EPYC 4564P 16-Core Processor")).isEqualTo("other");
		assertThat(generation(0x1A, 0x44, "AMD EPYC 4565P 16-Core Processor")).isEqualTo("other");
		assertThat(generation(0x17, 0x31, "AMD EPYC 7742 64-Core Processor")).isEqualTo("other");
	}

	@Test
	void ryzenAndThreadripperInEpycModelRangesAreOther() {
		assertThat(generation(0x19, 0x01, "AMD Ryzen Threadripper PRO 5995WX")).isEqualTo("other");
		assertThat(generation(0x1A, 0x44, "AMD Ryzen 9 9950X 16-Core Processor")).isEqualTo("other");
	}
}
