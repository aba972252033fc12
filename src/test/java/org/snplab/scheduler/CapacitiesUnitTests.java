package org.snplab.scheduler;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What jobs may use of a host. */
class CapacitiesUnitTests {

	@Test
	void aProbedHostKeepsItsReserve() {
		assertThat(Capacities.of(Map.of("memory.mb", "65536", "cpus", "32"), 4096)).isEqualTo(new Resources(61440, 32));
	}

	@Test
	void whatTheAgentDeclaredWinsAndKeepsNoReserve() {
		assertThat(Capacities.of(Map.of("memory.mb", "65536", "cpus", "32", "capacity.memory.mb", "16384",
				"capacity.cpus", "8"), 4096)).isEqualTo(new Resources(16384, 8));
	}

	@Test
	void whatNothingSaysIsUnlimited() {
		assertThat(Capacities.of(Map.of(), 4096)).isEqualTo(Resources.UNLIMITED);
		assertThat(Capacities.of(Map.of("memory.mb", "2048", "cpus", "garbage"), 4096))
			.isEqualTo(new Resources(0, Integer.MAX_VALUE));
	}
}
