package org.snplab.scheduler;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything under {@code snplab.scheduler.*}.
 *
 * @param defaultResources what a job that says nothing about {@code resources} holds on its host
 * @param hostReserve left to the host itself out of its probed memory
 * @param priorityClasses priority classes, highest first; {@code health} is hosts' health checks
 * @param untrustedPriorityCap the highest priority a pull request from an untrusted author gets, whatever it asks
 * @param interval how often the scheduling pass runs without being woken (a safety net: events wake it at once)
 * @param assignmentTimeout a job assigned to a slot whose agent doesn't take it within this goes back to the queue
 * @param gangWait the longest a multi-host job that doesn't fit holds the hosts it waits for (they take no other job
 *        meanwhile); after it, they are released, and it holds none again for as long
 */
@ConfigurationProperties("snplab.scheduler")
public record SchedulerProperties(@DefaultValue DefaultResources defaultResources, @DefaultValue HostReserve hostReserve,
		@DefaultValue FairShareSettings fairShare,
		@DefaultValue({ "health", "protected-push", "api", "pull-request", "push", "schedule" }) List<String> priorityClasses,
		@DefaultValue("0") int untrustedPriorityCap, @DefaultValue("5s") Duration interval,
		@DefaultValue("15s") Duration assignmentTimeout, @DefaultValue("15m") Duration gangWait) {

	/** Sizes are read at startup, so a typo stops the server with the key's name rather than at the first job. */
	public record DefaultResources(@DefaultValue("0M") String memory, @DefaultValue("0") int cpus) {

		public DefaultResources {
			megabytes("snplab.scheduler.default-resources.memory", memory);
		}

		public Resources resources() {
			return new Resources(Sizes.megabytes(memory), cpus);
		}
	}

	public record HostReserve(@DefaultValue("4G") String memory) {

		public HostReserve {
			megabytes("snplab.scheduler.host-reserve.memory", memory);
		}

		public long memoryMb() {
			return Sizes.megabytes(memory);
		}
	}

	/**
	 * @param halfLife recent use counts half as much after this
	 * @param weights per repository ({@code [owner/name]: 2}): its use counts divided by its weight
	 * @param placementCharge host-seconds a new placement counts for until its use is measured
	 */
	public record FairShareSettings(@DefaultValue("24h") Duration halfLife, Map<String, Double> weights,
			@DefaultValue("600") double placementCharge) {

		public FairShareSettings {
			weights = weights == null ? Map.of() : Map.copyOf(weights);
		}
	}

	public SchedulingPolicy policy() {
		return new SchedulingPolicy(priorityClasses, fairShare.placementCharge());
	}

	private static void megabytes(String key, String value) {
		try {
			Sizes.megabytes(value);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(key + " " + ex.getMessage(), ex);
		}
	}
}
