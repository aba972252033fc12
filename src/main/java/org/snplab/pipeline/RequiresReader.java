package org.snplab.pipeline;

import static org.snplab.pipeline.Suggestions.distance;
import static org.snplab.pipeline.Suggestions.suggest;
import static org.snplab.pipeline.YamlNodes.fields;
import static org.snplab.pipeline.YamlNodes.isNull;
import static org.snplab.pipeline.YamlNodes.isTrue;
import static org.snplab.pipeline.YamlNodes.kind;
import static org.snplab.pipeline.YamlNodes.line;
import static org.snplab.pipeline.YamlNodes.mapping;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** Reads a job's {@code requires} block into {@link Requirements}. */
final class RequiresReader {

	/** The facts the agent probes; only for suggestions, since jobs may require any fact. */
	static final List<String> KNOWN_FACTS = List.of("cpu.vendor", "cpu.family", "cpu.model", "cpu.generation",
			"cpu.microcode", "sev", "sev_es", "sev_snp", "snp.firmware", "snp.asids", "kernel.release", "qemu.version",
			"memory.mb", "cpus", "dev.sev", "dev.kvm", "dev.vhost_vsock");

	private static final String LABELS = "labels";

	/** {@code org.snplab.hosts.Host#HEALTH_CHECK_LABEL}: the pipeline module doesn't depend on hosts. */
	private static final String HEALTH_CHECK_LABEL = "snplab.health-check";

	/**
	 * Each distinct block is stored once under a unique index, and PostgreSQL refuses index entries past about
	 * 2.7 KB; real blocks are a few hundred bytes.
	 */
	static final int MAX_CANONICAL_BYTES = 2048;

	private RequiresReader() {
	}

	static Requirements read(Node n) throws PipelineException {
		if (isNull(n)) {
			return Requirements.none();
		}
		Map<String, NodeTuple> f = fields(mapping(n, "`requires`"), "`requires`", null);
		List<Requirement> facts = new ArrayList<>();
		List<String> labels = new ArrayList<>();
		for (Map.Entry<String, NodeTuple> e : f.entrySet()) {
			String fact = e.getKey();
			Node k = e.getValue().getKeyNode();
			Node v = e.getValue().getValueNode();
			if (fact.equals(LABELS)) {
				labels.addAll(labels(v));
				continue;
			}
			// "label" is a valid fact name, so a misspelt `labels` would otherwise be silently required as a fact.
			if (distance(fact.toLowerCase(Locale.ROOT), LABELS) <= 2) {
				throw new PipelineException(line(k), "unknown key `" + fact + "` in `requires`; did you mean `labels`?");
			}
			if (!Requirement.FACT_NAME.matcher(fact).matches()) {
				String near = suggest(fact.toLowerCase(Locale.ROOT).replace('-', '_'), KNOWN_FACTS);
				throw new PipelineException(line(k), "fact name `" + fact
						+ "` must be lower case letters, digits, `_` and `.`, starting with a letter"
						+ (near == null ? "" : "; did you mean `" + near + "`?"));
			}
			facts.add(predicate(fact, v));
		}
		Requirements requirements = new Requirements(facts, labels);
		int size = requirements.toJson().getBytes(StandardCharsets.UTF_8).length;
		if (size > MAX_CANONICAL_BYTES) {
			throw new PipelineException(line(n), "`requires` is too large: " + size + " bytes once written out, at most "
					+ MAX_CANONICAL_BYTES + " are allowed; require fewer or shorter values");
		}
		return requirements;
	}

	private static Requirement predicate(String fact, Node v) throws PipelineException {
		if (isNull(v)) {
			throw new PipelineException(line(v), "`requires." + fact + "` needs a value, e.g. `" + fact + ": true`");
		}
		if (v instanceof MappingNode) {
			throw new PipelineException(line(v), "`requires." + fact
					+ "` must be a value, a list of values or a comparison like \">=11.0\", got a mapping");
		}
		if (v instanceof SequenceNode s) {
			if (s.getValue().isEmpty()) {
				throw new PipelineException(line(v), "`requires." + fact + "` must list at least one value");
			}
			List<String> values = new ArrayList<>();
			for (Node item : s.getValue()) {
				if (!(item instanceof ScalarNode) || isNull(item)) {
					throw new PipelineException(line(item),
							"each value of `requires." + fact + "` must be a plain value, got " + kind(item));
				}
				values.add(factValue((ScalarNode) item));
			}
			return new Requirement(fact, Requirement.Op.ONE_OF, values);
		}
		ScalarNode s = (ScalarNode) v;
		String text = factValue(s).trim();
		Requirement.Op op = Requirement.Op.EQ;
		String value = text;
		// Two-character operators first, or ">=" would be read as ">" and "=...".
		for (String[] prefix : new String[][] { { ">=", "GE" }, { "<=", "LE" }, { "!=", "NE" }, { "==", "EQ" },
				{ ">", "GT" }, { "<", "LT" } }) {
			if (text.startsWith(prefix[0])) {
				op = Requirement.Op.valueOf(prefix[1]);
				value = text.substring(prefix[0].length()).trim();
				break;
			}
		}
		if (value.isEmpty()) {
			throw new PipelineException(line(v), "`requires." + fact + "` needs a value"
					+ (text.isEmpty() ? "" : " after `" + text + "`"));
		}
		if (op.ordering() && !Versions.isVersion(value)) {
			throw new PipelineException(line(v), "`requires." + fact + ": " + text + "` compares with `" + value
					+ "`, which is not a version or number");
		}
		return new Requirement(fact, op, List.of(value));
	}

	/** The scalar's text; YAML 1.1 booleans (yes, True, on...) become true/false as hosts report them. */
	private static String factValue(ScalarNode s) {
		if (Tag.BOOL.equals(s.getTag()) && s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN) {
			return isTrue(s.getValue()) ? "true" : "false";
		}
		return s.getValue();
	}

	private static List<String> labels(Node n) throws PipelineException {
		if (isNull(n)) {
			return List.of();
		}
		if (n instanceof MappingNode) {
			throw new PipelineException(line(n), "`labels` must be a list like [coconut, rack=b2], got a mapping");
		}
		List<Node> items = n instanceof SequenceNode s ? s.getValue() : List.of(n);
		List<String> out = new ArrayList<>();
		for (Node item : items) {
			String label = item instanceof ScalarNode s && !isNull(item) ? s.getValue().trim() : null;
			if (label == null || !Requirements.LABEL.matcher(label).matches()) {
				throw new PipelineException(line(item), "each of `labels` must be `name` or `name=value`, got "
						+ (label == null ? kind(item) : "`" + label + "`"));
			}
			if (label.equals(HEALTH_CHECK_LABEL) || label.startsWith(HEALTH_CHECK_LABEL + "=")) {
				// The label that pins a host's health check, which is all a bad host runs: not for pipelines.
				throw new PipelineException(line(item), "`" + HEALTH_CHECK_LABEL
						+ "` is reserved for hosts' health checks; pin a job to a host with a label of your own");
			}
			out.add(label);
		}
		return out;
	}
}
