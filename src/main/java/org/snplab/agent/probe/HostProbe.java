package org.snplab.agent.probe;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the facts a host reports about itself (CPU, SEV-SNP, firmware, kernel, QEMU, devices). Fact names are part
 * of the pipeline format; values are strings, "absent" (or "unknown" for {@code cpu.generation}) when an input is
 * missing. Nothing missing or malformed throws: a host that cannot be read is itself a fact.
 * <p>
 * All files are read below {@code root}, e.g. {@code ROOT/proc/cpuinfo}. When {@code root} is "/", the commands
 * {@code dmesg}, {@code snphost ok}, {@code sevctl ok} and {@code qemu-system-x86_64 --version} are run (5 s
 * timeout each). For any other root no command is run; their captured outputs are read from
 * {@code ROOT/commands/dmesg}, {@code ROOT/commands/snphost-ok}, {@code ROOT/commands/sevctl-ok} and
 * {@code ROOT/commands/qemu-version} instead, which lets an admin probe a snapshot of a host with
 * {@code snplab.jar agent --probe --root DIR}.
 */
public final class HostProbe {

	private static final Pattern MEM_TOTAL = Pattern.compile("(?m)^MemTotal:\\s*(\\d+)\\s*kB");

	private static final Pattern QEMU = Pattern.compile("QEMU emulator version (\\S+)");

	private static final Pattern MISC_SEV_ES = Pattern.compile("(?m)^sev_es\\s+(\\d+)\\s*$");

	private final Path root;

	public HostProbe(Path root) {
		this.root = root;
	}

	/** Facts by name, e.g. {@code cpu.generation=genoa}, {@code sev_snp=true}; values are strings. */
	public Map<String, String> probe() {
		Map<String, String> facts = new TreeMap<>();
		facts.put("agent.version", org.snplab.SnplabVersion.current());
		CommandOutputs commands = new CommandOutputs(root);
		Optional<CpuInfo> cpu = Texts.read(root.resolve("proc/cpuinfo")).flatMap(CpuInfo::parse);
		cpuFacts(facts, cpu);

		DmesgParser dmesg = commands.output(CommandOutputs.DMESG).map(DmesgParser::parse).orElse(DmesgParser.empty());
		List<SnphostOk> selfTests = new ArrayList<>();
		commands.output(CommandOutputs.SNPHOST_OK).map(SnphostOk::parse).ifPresent(selfTests::add);
		commands.output(CommandOutputs.SEVCTL_OK).map(SnphostOk::parse).ifPresent(selfTests::add);
		facts.putAll(SevStatus.facts(root, cpu, dmesg, selfTests));
		facts.put("snp.selftest", selfTest(selfTests));
		facts.put("sev.firmware", dmesg.sevFirmware().orElse(Texts.ABSENT));
		// dmesg has the build number, the self-test only major.minor.
		facts.put("snp.firmware", dmesg.snpFirmware()
			.or(() -> selfTests.stream().flatMap(t -> t.firmware().stream()).findFirst())
			.orElse(Texts.ABSENT));
		// The "enabled" range is what KVM hands out; cgroup misc capacity is equivalent (SNP uses SEV-ES ASIDs);
		// the old "supported" wording last, it is the hardware count.
		facts.put("snp.asids", dmesg.snpAsidsEnabled()
			.or(() -> Texts.read(root.resolve("sys/fs/cgroup/misc.capacity")).flatMap(t -> group(MISC_SEV_ES, t)))
			.or(dmesg::snpAsidsSupported)
			.orElse(Texts.ABSENT));

		facts.put("kernel.release", Texts.firstLine(root.resolve("proc/sys/kernel/osrelease")).orElse(Texts.ABSENT));
		facts.put("qemu.version",
				commands.output(CommandOutputs.QEMU_VERSION).flatMap(t -> group(QEMU, t)).orElse(Texts.ABSENT));
		facts.put("memory.mb", Texts.read(root.resolve("proc/meminfo")).flatMap(t -> group(MEM_TOTAL, t))
			.map(kb -> String.valueOf(Long.parseLong(kb) / 1024)).orElse(Texts.ABSENT));
		facts.put("dev.sev", device(root.resolve("dev/sev")));
		facts.put("dev.kvm", device(root.resolve("dev/kvm")));
		facts.put("dev.vhost_vsock", device(root.resolve("dev/vhost-vsock")));
		return facts;
	}

	private void cpuFacts(Map<String, String> facts, Optional<CpuInfo> cpu) {
		facts.put("cpu.vendor", cpu.map(CpuInfo::vendor).orElse(Texts.ABSENT));
		facts.put("cpu.family", cpu.map(c -> String.valueOf(c.family())).orElse(Texts.ABSENT));
		facts.put("cpu.model", cpu.map(c -> String.valueOf(c.model())).orElse(Texts.ABSENT));
		facts.put("cpu.microcode", cpu.map(CpuInfo::microcode).orElse(Texts.ABSENT));
		facts.put("cpu.model_name", cpu.map(CpuInfo::modelName).orElse(Texts.ABSENT));
		facts.put("cpu.generation", cpu.map(CpuInfo::generation).orElse("unknown"));
		// On the live host the JVM's view is a fine fallback; for a snapshot it would describe the wrong machine.
		Optional<Integer> count = cpu.map(CpuInfo::processors).filter(n -> n > 0);
		if (count.isEmpty() && root.toAbsolutePath().normalize().equals(Path.of("/"))) {
			count = Optional.of(Runtime.getRuntime().availableProcessors());
		}
		facts.put("cpus", count.map(String::valueOf).orElse(Texts.ABSENT));
	}

	/** fail if any tool saw SNP fail, pass if one saw it pass, inconclusive otherwise. */
	private static String selfTest(List<SnphostOk> tests) {
		if (tests.isEmpty()) {
			return Texts.ABSENT;
		}
		for (SnphostOk.Verdict v : List.of(SnphostOk.Verdict.FAIL, SnphostOk.Verdict.PASS)) {
			if (tests.stream().anyMatch(t -> t.verdict() == v)) {
				return v.fact();
			}
		}
		return SnphostOk.Verdict.INCONCLUSIVE.fact();
	}

	/** rw / present / absent. NOFOLLOW so a dangling link still shows the node is there but unusable. */
	private static String device(Path node) {
		if (!Files.exists(node, LinkOption.NOFOLLOW_LINKS)) {
			return Texts.ABSENT;
		}
		return Files.isReadable(node) && Files.isWritable(node) ? "rw" : "present";
	}

	private static Optional<String> group(Pattern pattern, String text) {
		Matcher m = pattern.matcher(text);
		return m.find() ? Optional.of(m.group(1)) : Optional.empty();
	}
}
