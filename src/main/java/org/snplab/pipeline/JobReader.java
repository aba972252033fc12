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
			"artifacts", "reports", "resources", "checkout", "cache", "hold-on-failure", "roles", "same");

	/** What a role of a multi-host job may set for itself; the rest it shares with the job. */
	private static final List<String> ROLE_KEYS = List.of("steps", "requires", "resources", "env");

	private static final Pattern ROLE_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

	/** The facts a multi-host job's hosts share when it doesn't say. */
	static final List<String> DEFAULT_SAME = List.of("cpu.generation");

	private static final List<String> RESOURCE_KEYS = List.of("memory", "cpus");

	private static final Pattern CPUS = Pattern.compile("\\d{1,4}");

	private static final List<String> CHECKOUT_KEYS = List.of("submodules");

	private static final List<String> REPORT_KEYS = List.of("junit", "fail-on-test-failure");

	private JobReader() {
	}

	/**
	 * The job {@code t}, named {@code name} (already checked): one job, or for a job with {@code roles:} one job per
	 * role ({@code <name>/<role>}), each with what the role overrides and the rest of the job.
	 */
	static List<JobSpec> read(String name, NodeTuple t) throws PipelineException {
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
		boolean multiHost = f.containsKey("roles");
		if (!f.containsKey("steps") && !multiHost) {
			throw new PipelineException(line(t.getKeyNode()), where + " needs `steps`");
		}
		if (f.containsKey("same") && !multiHost) {
			throw new PipelineException(line(f.get("same").getKeyNode()), "`same` in " + where
					+ " names facts its hosts share, so it needs `roles` (a job of several hosts)");
		}
		Requirements requires = f.containsKey("requires") ? RequiresReader.read(f.get("requires").getValueNode())
				: Requirements.none();
		Duration timeout = f.containsKey("timeout") ? duration(f.get("timeout").getValueNode(), "timeout") : DEFAULT_TIMEOUT;
		Duration holdOnFailure = f.containsKey("hold-on-failure")
				? duration(f.get("hold-on-failure").getValueNode(), "hold-on-failure") : null;
		int priority = f.containsKey("priority") ? priority(f.get("priority").getValueNode()) : 0;
		Map<String, String> env = f.containsKey("env") ? env(f.get("env").getValueNode()) : Map.of();
		List<String> steps = f.containsKey("steps") ? steps(f.get("steps")) : List.of();
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
		Resources resources = f.containsKey("resources") ? resources(f.get("resources").getValueNode()) : Resources.NONE;
		String submodules = "true";
		if (f.containsKey("checkout") && !isNull(f.get("checkout").getValueNode())) {
			Map<String, NodeTuple> cf = fields(mapping(f.get("checkout").getValueNode(), "`checkout`"), "`checkout`",
					CHECKOUT_KEYS);
			if (cf.containsKey("submodules")) {
				submodules = submodules(cf.get("submodules").getValueNode());
			}
		}
		List<CacheSpec> caches = f.containsKey("cache") ? CacheReader.read(f.get("cache").getValueNode()) : List.of();
		JobSpec job = new JobSpec(name, requires, timeout, priority, env, steps, artifacts, junit, resources.memoryMb,
				resources.cpus, failOnTestFailure, submodules, caches, holdOnFailure);
		if (!multiHost) {
			return List.of(job);
		}
		List<String> same = f.containsKey("same") ? same(f.get("same").getValueNode()) : DEFAULT_SAME;
		return roles(job, f.get("roles"), same);
	}

	/** {@code resources.memory} and {@code resources.cpus}, each null when not given. */
	private record Resources(Long memoryMb, Integer cpus) {

		static final Resources NONE = new Resources(null, null);
	}

	private static Resources resources(Node n) throws PipelineException {
		if (isNull(n)) {
			return Resources.NONE;
		}
		Map<String, NodeTuple> rf = fields(mapping(n, "`resources`"), "`resources`", RESOURCE_KEYS);
		return new Resources(rf.containsKey("memory") ? memory(rf.get("memory").getValueNode()) : null,
				rf.containsKey("cpus") ? cpus(rf.get("cpus").getValueNode()) : null);
	}

	/**
	 * {@code roles:}: at least two, each a job of its own named {@code <job>/<role>} that inherits the job's
	 * {@code steps}, {@code requires}, {@code resources} and {@code env} and overrides what it gives ({@code requires}
	 * and {@code env} key by key).
	 */
	private static List<JobSpec> roles(JobSpec job, NodeTuple rolesTuple, List<String> same) throws PipelineException {
		Node n = rolesTuple.getValueNode();
		String where = "`roles` of job `" + job.name() + "`";
		if (isNull(n) || !(n instanceof MappingNode m)) {
			throw new PipelineException(line(isNull(n) ? rolesTuple.getKeyNode() : n), where
					+ " must be a mapping of role name to role, e.g. `source: { steps: [...] }`, got " + kind(n));
		}
		Map<String, NodeTuple> roles = fields(m, where, null);
		if (roles.size() < 2) {
			throw new PipelineException(line(rolesTuple.getKeyNode()), where
					+ " needs at least 2 roles (a job of one host needs no `roles`), got " + roles.size());
		}
		List<String> names = List.copyOf(roles.keySet());
		List<JobSpec> out = new ArrayList<>();
		for (Map.Entry<String, NodeTuple> e : roles.entrySet()) {
			String role = e.getKey();
			Node k = e.getValue().getKeyNode();
			if (!ROLE_NAME.matcher(role).matches()) {
				throw new PipelineException(line(k), "role name `" + role + "` of job `" + job.name()
						+ "` must start with a lower case letter or digit and contain only those, `_` and `-` (at most 32)");
			}
			String roleWhere = "role `" + role + "` of job `" + job.name() + "`";
			Node v = e.getValue().getValueNode();
			Map<String, NodeTuple> rf = isNull(v) ? Map.of() : fields(mapping(v, roleWhere), roleWhere, ROLE_KEYS);
			List<String> steps = rf.containsKey("steps") ? steps(rf.get("steps")) : job.steps();
			if (steps.isEmpty()) {
				throw new PipelineException(line(k), roleWhere + " needs `steps`, its own or the job's");
			}
			Requirements requires = rf.containsKey("requires")
					? overridden(job.requires(), RequiresReader.read(rf.get("requires").getValueNode()))
					: job.requires();
			Resources resources = rf.containsKey("resources") ? resources(rf.get("resources").getValueNode())
					: Resources.NONE;
			Map<String, String> env = new LinkedHashMap<>(job.env());
			if (rf.containsKey("env")) {
				env.putAll(env(rf.get("env").getValueNode()));
			}
			out.add(new JobSpec(job.name() + "/" + role, requires, job.timeout(), job.priority(), env, steps,
					job.artifacts(), job.junit(),
					resources.memoryMb != null ? resources.memoryMb : job.memoryMb(),
					resources.cpus != null ? resources.cpus : job.cpus(), job.failOnTestFailure(), job.submodules(),
					job.caches(), job.holdOnFailure(), new JobSpec.Gang(job.name(), role, names, same)));
		}
		return out;
	}

	/** The job's requirements with the role's: a fact the role names is the role's; its labels, if any, replace the job's. */
	private static Requirements overridden(Requirements job, Requirements role) {
		java.util.Set<String> roleFacts = new java.util.HashSet<>();
		role.facts().forEach(r -> roleFacts.add(r.fact()));
		List<Requirement> facts = new ArrayList<>();
		job.facts().stream().filter(r -> !roleFacts.contains(r.fact())).forEach(facts::add);
		facts.addAll(role.facts());
		return new Requirements(facts, role.labels().isEmpty() ? job.labels() : role.labels());
	}

	/** {@code same: [cpu.generation, snp.firmware]}: fact names, at least one. */
	private static List<String> same(Node n) throws PipelineException {
		List<Node> items = n instanceof SequenceNode s ? s.getValue() : List.of(n);
		if (isNull(n) || items.isEmpty() || n instanceof MappingNode) {
			throw new PipelineException(line(n), "`same` must list facts its hosts share, e.g. [cpu.generation], got "
					+ kind(n));
		}
		List<String> facts = new ArrayList<>();
		for (Node item : items) {
			if (!(item instanceof ScalarNode s) || isNull(item)) {
				throw new PipelineException(line(item), "each of `same` must be a fact name, got " + kind(item));
			}
			String fact = s.getValue().trim();
			if (!Requirement.FACT_NAME.matcher(fact).matches()) {
				String near = Suggestions.suggest(fact.toLowerCase(java.util.Locale.ROOT).replace('-', '_'),
						RequiresReader.KNOWN_FACTS);
				throw new PipelineException(line(item), "`same` names fact `" + fact
						+ "`, but fact names are lower case letters, digits, `_` and `.`, starting with a letter"
						+ (near == null ? "" : "; did you mean `" + near + "`?"));
			}
			if (!facts.contains(fact)) {
				facts.add(fact);
			}
		}
		return facts;
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

	/** {@code timeout} and {@code hold-on-failure}: like 30m, 1h30m or 90s; more than 0s and at most 24h. */
	private static Duration duration(Node n, String key) throws PipelineException {
		String text = n instanceof ScalarNode s ? s.getValue().trim() : null;
		Matcher m = text == null ? null : DURATION.matcher(text);
		// Every part of DURATION is optional, so the empty text matches and needs its own check.
		if (m == null || text.isEmpty() || !m.matches()) {
			throw new PipelineException(line(n), "`" + key + "` must be a duration like 30m, got "
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
			throw new PipelineException(line(n), "`" + key + "` must be longer than 0s, got `" + text + "`");
		}
		if (d.compareTo(MAX_TIMEOUT) > 0) {
			throw new PipelineException(line(n), "`" + key + "` must be at most 24h, got `" + text + "`");
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
