package org.snplab.hosts;

import java.util.List;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * Hosts by state for the lab's monitoring ({@code /actuator/prometheus}): an offline or quarantined SNP host is
 * scarce hardware out of use, worth an alert.
 */
@Component
class HostMetrics {

	static final List<String> STATES = List.of("online", "offline", "draining", "maintenance", "quarantined", "disabled");

	HostMetrics(HostRegistry hosts, MeterRegistry registry) {
		for (String state : STATES) {
			Gauge.builder("snplab.hosts", () -> hosts.findAll().stream().filter(host -> host.state().equals(state)).count())
				.tag("state", state)
				.description("Hosts by state")
				.register(registry);
		}
	}
}
