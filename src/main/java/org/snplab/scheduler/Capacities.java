package org.snplab.scheduler;

import java.util.Map;

/**
 * What jobs may use of a host: what its agent declared ({@code --memory}, {@code --cpus}, reported as facts
 * {@code capacity.memory.mb} and {@code capacity.cpus}), else its probed {@code memory.mb} less the host's reserve
 * and its probed {@code cpus}. What neither says is unlimited: only the slot count limits it.
 */
public final class Capacities {

	public static final String DECLARED_MEMORY = "capacity.memory.mb";

	public static final String DECLARED_CPUS = "capacity.cpus";

	private Capacities() {
	}

	public static Resources of(Map<String, String> facts, long reserveMb) {
		Long declaredMemory = number(facts.get(DECLARED_MEMORY));
		Long probedMemory = number(facts.get("memory.mb"));
		long memory = declaredMemory != null ? declaredMemory
				: probedMemory != null ? Math.max(0, probedMemory - reserveMb) : Long.MAX_VALUE;
		Long cpus = number(facts.get(DECLARED_CPUS) != null ? facts.get(DECLARED_CPUS) : facts.get("cpus"));
		return new Resources(memory, cpus == null ? Integer.MAX_VALUE : (int) Math.min(Integer.MAX_VALUE, cpus));
	}

	private static Long number(String text) {
		if (text == null) {
			return null;
		}
		try {
			long value = Long.parseLong(text.trim());
			return value >= 0 ? value : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}
}
