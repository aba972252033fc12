package org.snplab.scheduler;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A waiting job says what it waits for. */
class WaitingReasonsUnitTests {

	private static final Resources GUEST = new Resources(8192, 0);

	@Test
	void aJobNoHostCouldEverTakeNamesTheLargest() {
		assertThat(WaitingReasons.of(new Resources(65536, 0),
				List.of(load("milan-1", 61440, 0, 4, 0), load("genoa-1", 28672, 0, 4, 0))))
			.contains("no host has 64 GiB free; the largest has 60 GiB");
	}

	@Test
	void aJobWaitingForMemoryNamesTheHostWithTheMostFree() {
		assertThat(WaitingReasons.of(GUEST,
				List.of(load("milan-1", 16384, 16384, 4, 2), load("genoa-1", 16384, 12288, 4, 3))))
			.contains("waiting for 8 GiB on genoa-1 (3 jobs running)");
	}

	@Test
	void aJobWaitingForASlotSaysSo() {
		assertThat(WaitingReasons.of(GUEST, List.of(load("milan-1", 65536, 8192, 1, 1))))
			.contains("waiting for a free slot on 1 matching host(s)");
	}

	@Test
	void aJobSomeHostHasRoomForWaitsForNothingItCouldName() {
		assertThat(WaitingReasons.of(GUEST, List.of(load("milan-1", 65536, 8192, 2, 1)))).isEmpty();
	}

	private static WaitingReasons.Load load(String name, long capacityMb, long usedMb, int slots, int jobs) {
		return new WaitingReasons.Load(name, new Resources(capacityMb, 64), new Resources(usedMb, 0), slots, jobs);
	}
}
