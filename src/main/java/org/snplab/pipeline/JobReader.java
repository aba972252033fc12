package org.snplab.pipeline;

import static org.snplab.pipeline.GlobListReader.globs;
import static org.snplab.pipeline.YamlNodes.fields;
import static org.snplab.pipeline.YamlNodes.isNull;
import static org.snplab.pipeline.YamlNodes.kind;
import static org.snplab.pipeline.YamlNodes.line;
import static org.snplab.pipeline.YamlNodes.mapping;
import static org.snplab.pipeline.YamlNodes.scalar;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.snplab.scheduler.Sizes;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Reads one job of the {@code jobs} mapping into a {@link JobSpec}. */
final class JobReader {

	static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(60);

	static final Duration MAX_TIMEOUT = Duration.ofHours(24);

	private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

	// Bounded digit counts keep the numbers well inside long, so parsing cannot overflow.
	private static final Pattern DURATION = Pattern.compile("(?:(\\d{1,5})h)?(?:(\\d{1,7})m)?(?:(\\d{1,9})s)?");

	private static final Pattern PRIORITY = Pattern.compile("\\d{1,9}");

	private static final List<String> JOB_KEYS = List.of("requires", "timeout", "priority", "env", "steps",
			"artifacts", "reports", "resources", "checkout");

	private static final List<String> RESOURCE_KEYS = List.of("memory", "cpus");

	private static final Pattern CPUS = Pattern.compile("\\d{1,4}");

	private static final List<String> CHECKOUT_KEYS = List.of("submodules");

	private static final List<String> REPORT_KEYS = List.of("junit", "fail-on-test-failure");

	private JobReader() {
	}

	/** The job {@code t}, named {@code name} (already checked). */
	static JobSpec read(String name, NodeTuple t) throws PipelineException {
		Node n = t.getValueNode();
		String where = "job `" + name + "`";
		if (isNull(n)) {
			throw new PipelineException(line(t.getKeyNode()), where + " is empty; it needs `steps`");
		}
		// A job key at the jobs' level usually means the job's keys lost their indentation.
		if (!(n instanceof MappingNode) && JOB_KEYS.contains(name)) {
			throw new PipelineException(line(t.getKeyNode()), where + " must be a mapping, got " + kind(n)
					+ "; is `" + name + "` meant to be indented under a job?");
		}
		Map<String, NodeTuple> f = fields(mapping(n, where), where, JOB_KEYS);
		if (!f.containsKey("steps")) {
			throw new PipelineException(line(t.getKeyNode()), where + " needs `steps`");
		}
		Requirements requires = f.containsKey("requires") ? RequiresReader.read(f.get("requires").getValueNode())
				: Requirements.none();
		Duration timeout = f.containsKey("timeout") ? timeout(f.get("timeout").getValueNode()) : DEFAULT_TIMEOUT;
		int priority = f.containsKey("priority") ? priority(f.get("priority").getValueNode()) : 0;
		Map<String, String> env = f.containsKey("env") ? env(f.get("env").getValueNode()) : Map.of();
		List<String> steps = steps(f.get("steps"));
		List<String> artifacts = globs(f.get("artifacts"), true);
		List<String> junit = List.of();
		boolean failOnTestFailure = true;
		if (f.containsKey("reports")) {
			Node r = f.get("reports").getValueNode();
			if (!isNull(r)) {
				Map<String, NodeTuple> rf = fields(mapping(r, "`reports`"), "`reports`", REPORT_KEYS);
				junit = globs(rf.get("junit"), true);
				if (rf.containsKey("fail-on-test-failure")) {
					failOnTestFailure = YamlNodes.bool(rf.get("fail-on-test-failure").getValueNode(), "`fail-on-test-failure`");
				}
			}
		}
		Long memoryMb = null;
		Integer cpus = null;
		if (f.containsKey("resources") && !isNull(f.get("resources").getValueNode())) {
			Map<String, NodeTuple> rf = fields(mapping(f.get("resources").getValueNode(), "`resources`"), "`resources`",
					RESOURCE_KEYS);
			memoryMb = rf.containsKey("memory") ? memory(rf.get("memory").getValueNode()) : null;
			cpus = rf.containsKey("cpus") ? cpus(rf.get("cpus").getValueNode()) : null;
		}
		String submodules = "true";
		if (f.containsKey("checkout") && !isNull(f.get("checkout").getValueNode())) {
			Map<String, NodeTuple> cf = fields(mapping(f.get("checkout").getValueNode(), "`checkout`"), "`checkout`",
					CHECKOUT_KEYS);
			if (cf.containsKey("submodules")) {
				submodules = submodules(cf.get("submodules").getValueNode());
			}
		}
		return new JobSpec(name, requires, timeout, priority, env, steps, artifacts, junit, memoryMb, cpus,
				failOnTestFailure, submodules);
	}

	private static String submodules(Node n) throws PipelineException {
		String value = n instanceof ScalarNode s ? s.getValue().trim().toLowerCase(java.util.Locale.ROOT) : "";
		if (value.equals("recursive")) {
			return "recursive";
		}
		if (value.equals("true") || value.equals("false")) {
			return value;
		}
		throw new PipelineException(line(n), "`submodules` is true, recursive or false, not " + kind(n));
	}

	private static long memory(Node n) throws PipelineException {
		String text = n instanceof ScalarNode s ? s.getValue().trim() : null;
		try {
			long mb = Sizes.megabytes(text);
			if (mb > 0) {
				return mb;
			}
		}
		catch (IllegalArgumentException ex) {
			// reported below with the line
		}
		throw new PipelineException(line(n), "`resources.memory` must be a size like 8G or 512M, got "
				+ (text == null ? kind(n) : "`" + text + "`"));
	}

	private static int cpus(Node n) throws PipelineException {
		String text = n instanceof ScalarNode s ? s.getValue().trim() : null;
		if (text == null || !CPUS.matcher(text).matches() || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 1024) {
			throw new PipelineException(line(n), "`resources.cpus` must be an integer from 1 to 1024, got "
					+ (text == null ? kind(n) : "`" + text + "`"));
		}
		return Integer.parseInt(text);
	}

	private static Duration timeout(Node n) throws PipelineException {
		String text = n instanceof ScalarNode s ? s.getValue().trim() : null;
		Matcher m = text == null ? null : DURATION.matcher(text);
		// Every part of DURATION is optional, so the empty text matches and needs its own check.
		if (m == null || text.isEmpty() || !m.matches()) {
			throw new PipelineException(line(n), "`timeout` must be a duration like 30m, got "
					+ (text == null ? kind(n) : "`" + text + "`"));
		}
		Duration d = Duration.ZERO;
		if (m.group(1) != null) {
			d = d.plusHours(Long.parseLong(m.group(1)));
		}
		if (m.group(2) != null) {
			d = d.plusMinutes(Long.parseLong(m.group(2)));
		}
		if (m.group(3) != null) {
			d = d.plusSeconds(Long.parseLong(m.group(3)));
		}
		if (d.isZero()) {
			throw new PipelineException(line(n), "`timeout` must be longer than 0s, got `" + text + "`");
		}
		if (d.compareTo(MAX_TIMEOUT) > 0) {
			throw new PipelineException(line(n), "`timeout` must be at most 24h, got `" + text + "`");
		}
		return d;
	}

	private static int priority(Node n) throws PipelineException {
		String text = n instanceof ScalarNode s ? s.getValue().trim() : null;
		// At most 9 digits, so parseInt cannot overflow before the range check.
		if (text == null || !PRIORITY.matcher(text).matches() || Integer.parseInt(text) > 1000) {
			throw new PipelineException(line(n), "`priority` must be an integer from 0 to 1000, got "
					+ (text == null ? kind(n) : "`" + text + "`"));
		}
		return Integer.parseInt(text);
	}

	private static Map<String, String> env(Node n) throws PipelineException {
		Map<String, String> env = new LinkedHashMap<>();
		if (isNull(n)) {
			return env;
		}
		Map<String, NodeTuple> f = fields(mapping(n, "`env`"), "`env`", null);
		for (Map.Entry<String, NodeTuple> e : f.entrySet()) {
			if (!ENV_NAME.matcher(e.getKey()).matches()) {
				throw new PipelineException(line(e.getValue().getKeyNode()),
						"environment variable name `" + e.getKey() + "` must match [A-Za-z_][A-Za-z0-9_]*");
			}
			Node v = e.getValue().getValueNode();
			env.put(e.getKey(), isNull(v) ? "" : scalar(v, "`env." + e.getKey() + "`"));
		}
		return env;
	}

	private static List<String> steps(NodeTuple t) throws PipelineException {
		Node n = t.getValueNode();
		List<Node> items = n instanceof SequenceNode s ? s.getValue() : List.of(n);
		if (isNull(n) || items.isEmpty()) {
			throw new PipelineException(line(n), "`steps` must not be empty");
		}
		if (n instanceof MappingNode) {
			throw new PipelineException(line(n), "`steps` must be a list of shell commands, got a mapping");
		}
		List<String> steps = new ArrayList<>();
		for (Node item : items) {
			if (!(item instanceof ScalarNode) || isNull(item)) {
				throw new PipelineException(line(item),
						"each of `steps` must be a shell command (a string), got " + kind(item));
			}
			String step = ((ScalarNode) item).getValue();
			if (step.isBlank()) {
				throw new PipelineException(line(item), "a step must not be blank");
			}
			steps.add(step);
		}
		return steps;
	}
}
