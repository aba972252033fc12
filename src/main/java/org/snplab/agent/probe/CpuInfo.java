package org.snplab.agent.probe;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The first block of /proc/cpuinfo plus the processor count. Only the first block is parsed: all blocks of a
 * server describe the same part, and the block need not be {@code processor : 0} (captures often show the last).
 */
record CpuInfo(String vendor, int family, int model, String microcode, String modelName, Set<String> flags,
		int processors) {

	private static final Pattern BERGAMO = Pattern.compile("EPYC 97\\d4");

	private static final Pattern SIENA = Pattern.compile("EPYC 8\\d\\d4");

	private static final Pattern TURIN = Pattern.compile("EPYC 9\\d\\d5");

	/** Empty when vendor, family or model is missing or not a number: then the generation is unknown. */
	static Optional<CpuInfo> parse(String text) {
		Map<String, String> first = new HashMap<>();
		int processors = 0;
		boolean inFirst = true;
		for (String line : text.split("\n")) {
			if (line.isBlank()) {
				inFirst = first.isEmpty();
				continue;
			}
			int colon = line.indexOf(':');
			if (colon < 0) {
				continue;
			}
			// Exact key match after trimming: "vmx flags" (Intel, newer kernels) must not be taken for "flags".
			String key = line.substring(0, colon).strip();
			String value = line.substring(colon + 1).strip();
			if (key.equals("processor")) {
				processors++;
			}
			if (inFirst) {
				first.putIfAbsent(key, value);
			}
		}
		try {
			String vendor = first.get("vendor_id");
			if (vendor == null || vendor.isEmpty()) {
				return Optional.empty();
			}
			return Optional.of(new CpuInfo(vendor, Integer.parseInt(first.get("cpu family")),
					Integer.parseInt(first.get("model")), first.getOrDefault("microcode", Texts.ABSENT),
					first.getOrDefault("model name", Texts.ABSENT),
					Set.of(first.getOrDefault("flags", "").split("\\s+")), processors));
		}
		catch (NumberFormatException ex) { // also covers a missing (null) family or model
			return Optional.empty();
		}
	}

	/**
	 * milan | genoa | bergamo | siena | turin, or "other". Family/model alone is not enough: Ryzen and Threadripper
	 * share family 19h (Ryzen 9 5950X is 19h/21h), so an EPYC model name is required as well.
	 */
	String generation() {
		if (!vendor.equals("AuthenticAMD") || !modelName.contains("EPYC")) {
			return "other";
		}
		if (family == 0x19) {
			if (model <= 0x0F) {
				return "milan"; // Zen 3: Milan 01h, Milan-X 01h
			}
			if (model >= 0x10 && model <= 0x1F) {
				return "genoa"; // Zen 4: Genoa 11h, Genoa-X 11h
			}
			if (model >= 0xA0 && model <= 0xAF) {
				// Zen 4c: Bergamo and Siena share this range; only the model name tells them apart.
				if (BERGAMO.matcher(modelName).find()) {
					return "bergamo";
				}
				if (SIENA.matcher(modelName).find()) {
					return "siena";
				}
			}
			return "other"; // e.g. EPYC 4004 (AM5, model 61h) has no SEV-SNP server platform
		}
		if (family == 0x1A && TURIN.matcher(modelName).find()) {
			return "turin"; // Zen 5 / 5c: 02h (Turin) and 11h (Turin dense); EPYC 4005 is excluded by name
		}
		return "other";
	}

	/**
	 * Whether the CPU can do SNP at all. The flag is missing on old kernels even on capable silicon (Rocky 8.5 on
	 * Genoa), so a known SNP generation counts too.
	 */
	boolean snpCapable() {
		return flags.contains("sev_snp") || !generation().equals("other");
	}
}
