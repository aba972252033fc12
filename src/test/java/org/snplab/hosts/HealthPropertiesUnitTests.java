package org.snplab.hosts;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code snplab.health.max-unhealthy}: a percentage of the enabled hosts, rounded up, or a count. */
class HealthPropertiesUnitTests {

	@Test
	void aPercentageIsOfTheEnabledHostsRoundedUp() {
		HealthProperties health = HealthProperties.withCap("30%");
		assertThat(health.allowedOut(4)).isEqualTo(2);
		assertThat(health.allowedOut(3)).isEqualTo(1);
		assertThat(health.allowedOut(10)).isEqualTo(3);
		assertThat(health.allowedOut(0)).isZero();
	}

	@Test
	void aCountIsTakenAsIs() {
		assertThat(HealthProperties.withCap("2").allowedOut(10)).isEqualTo(2);
		assertThat(HealthProperties.withCap("0%").allowedOut(10)).isZero();
	}

	@Test
	void anythingElseStopsTheServerNamingTheKey() {
		assertThatThrownBy(() -> HealthProperties.withCap("lots"))
			.hasMessage("snplab.health.max-unhealthy must be a percentage (0% to 100%, e.g. 30%) or a count of hosts (e.g. 2), got 'lots'");
		assertThatThrownBy(() -> HealthProperties.withCap("130%")).hasMessageContaining("got '130%'");
		assertThatThrownBy(() -> HealthProperties.withCap("-1")).hasMessageContaining("got '-1'");
	}
}
