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

	static final List<String> STATES = List.of("online", "offline", "draining", "maintenance", "quarantined", "reserved",
			"disabled");

	HostMetrics(HostRegistry hosts, Quarantine quarantine, MeterRegistry registry) {
		for (String state : STATES) {
			Gauge.builder("snplab.hosts", () -> hosts.findAll().stream().filter(host -> host.state().equals(state)).count())
				.tag("state", state)
				.description("Hosts by state")
				.register(registry);
		}
		for (Host.HealthState health : Host.HealthState.values()) {
			Gauge.builder("snplab.hosts.health", () -> hosts.findAll().stream()
				.filter(host -> host.enabled() && host.health().state() == health)
				.count())
				.tag("health", health.value())
				.description("Enabled hosts by the outcome of their last health check")
				.register(registry);
		}
		Gauge.builder("snplab.hosts.quarantine.stopped", () -> quarantine.cap().keptInService().size())
			.description("Failing hosts kept in service because snplab.health.max-unhealthy of the hosts are out already")
			.register(registry);
	}
}
