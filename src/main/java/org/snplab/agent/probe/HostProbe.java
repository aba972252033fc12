package org.snplab.agent.probe;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the facts a host reports about itself (CPU, SEV-SNP, firmware, kernel, QEMU, devices).
 * Placeholder: the real probe lands with the probe work.
 */
public final class HostProbe {

	private final Path root;

	public HostProbe(Path root) {
		this.root = root;
	}

	/** Facts by name, e.g. {@code cpu.generation=genoa}, {@code sev_snp=true}; values are strings. */
	public Map<String, String> probe() {
		return new TreeMap<>();
	}
}
