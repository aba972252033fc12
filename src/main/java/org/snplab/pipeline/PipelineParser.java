package org.snplab.pipeline;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.quartz.CronExpression;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a repository's {@code .snplab.yml}, which says when the pipeline runs and which jobs it
 * runs on which hosts.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * on: { push: { branches: [main] }, pull_request: {}, schedule: [ { cron: "0 0 3 * * ?" } ] }
 * jobs:
 *   test-in-svsm:                      # the job's name
 *     requires: { sev_snp: true, cpu.generation: [genoa, turin], qemu.version: ">=11.0", labels: [coconut] }
 *     timeout: 30m
 *     priority: 50
 *     env: { RELEASE: "1" }
 *     steps: [ "make bin/coconut-test-qemu.igvm", "./scripts/test-in-svsm.sh --timeout 180" ]
 *     artifacts: [ "*.log" ]
 *     reports: { junit: [ "target/reports/*.xml" ] }
 * }</pre>
 *
 * <h2>Top level</h2>
 * <ul>
 * <li>{@code on} (optional): when the pipeline runs. Without it, a push to any branch (not tags)
 * and every non-draft pull request trigger it. With it, only the triggers listed do:
 * <ul>
 * <li>{@code push: { branches: [globs], tags: [globs] }} &mdash; {@code branches} empty or missing
 * means every branch; {@code tags} empty or missing means no tag. {@code push: {}} (or just
 * {@code push:}) means every branch, no tags.</li>
 * <li>{@code pull_request: { branches: [globs], drafts: false }} &mdash; {@code branches} are the
 * target branches, empty or missing means every branch; {@code drafts} (default {@code false})
 * says whether draft pull requests trigger too.</li>
 * <li>{@code schedule: [ { cron: "0 0 3 * * ?" }, ... ]} &mdash; Quartz cron expressions, with a
 * seconds field first: {@code sec min hour day-of-month month day-of-week [year]}; one of
 * day-of-month and day-of-week must be {@code ?}. Quote them.</li>
 * </ul>
 * The short forms {@code on: push} and {@code on: [push, pull_request]} are accepted too. The key
 * {@code on} is read as the text {@code on}, not as YAML 1.1's boolean {@code true}.</li>
 * <li>{@code jobs} (required): a non-empty mapping of job name to job, at most 100 jobs. Names match
 * {@code [A-Za-z0-9][A-Za-z0-9_.-]{0,63}} and must be unique.</li>
 * </ul>
 *
 * <h2>A job</h2>
 * <ul>
 * <li>{@code steps} (required): a non-empty list of shell commands, run in order.</li>
 * <li>{@code requires}: what the host must offer, see below. Default: any host.</li>
 * <li>{@code timeout}: a duration such as {@code 90s}, {@code 30m}, {@code 1h30m}, {@code 2h}
 * (hours, minutes, seconds in that order). Default 60m, at most 24h.</li>
 * <li>{@code priority}: an integer from 0 to 1000, higher runs first. Default 0.</li>
 * <li>{@code env}: a mapping of environment variable name ({@code [A-Za-z_][A-Za-z0-9_]*}) to value.
 * Values are taken by their text ({@code 1.10} stays {@code "1.10"}, {@code true} stays
 * {@code "true"}); an empty value or {@code ~} is the empty string.</li>
 * <li>{@code artifacts}: globs of files to keep, relative to the checkout (no absolute paths, no
 * {@code ..}).</li>
 * <li>{@code reports: { junit: [globs] }}: JUnit XML reports to collect, same path rules.</li>
 * </ul>
 * Lists of globs or steps may also be written as a single string. Globs: {@code *} matches within
 * one path segment (or branch name segment), {@code **} across {@code /}, {@code ?} one character.
 *
 * <h2>requires</h2>
 * A mapping of host fact name to predicate, plus {@code labels}:
 * <ul>
 * <li>a scalar is equality: {@code sev_snp: true}, {@code cpu.generation: genoa};</li>
 * <li>a list is one-of: {@code cpu.generation: [genoa, turin]};</li>
 * <li>a string starting with {@code >=}, {@code >}, {@code <=}, {@code <}, {@code ==} or
 * {@code !=} is a comparison: {@code qemu.version: ">=11.0"} (quote it: a plain {@code >} starts a
 * YAML block scalar). Ordering comparisons need a version or number on the right.</li>
 * <li>{@code labels: [a, b=c]}: the host must carry label {@code a} (any value) and label
 * {@code b} with value {@code c}.</li>
 * </ul>
 * Versions (digits separated by dots, optionally followed by a suffix like {@code -rc3-snp-host})
 * compare numerically segment by segment on the numeric part, so {@code 6.11.0-rc3-snp-host}
 * satisfies {@code ">=6.11"} and {@code 65536} satisfies {@code ">=4096"}; other values compare as
 * exact strings, and never satisfy an ordering comparison. A fact the host does not report (or
 * reports as {@code absent}) satisfies only {@code !=}. YAML booleans in {@code requires} ({@code yes},
 * {@code True}, {@code on}...) are normalised to {@code true}/{@code false}. See {@link Requirement}.
 *
 * <p>Fact names match {@code [a-z][a-z0-9_.]*}. Hosts may report facts beyond these, and jobs may
 * require them; the facts the agent probes are:
 * <ul>
 * <li>{@code cpu.vendor} (e.g. {@code AuthenticAMD}), {@code cpu.family}, {@code cpu.model}
 * (decimal), {@code cpu.generation} ({@code milan}, {@code genoa}, {@code turin}...),
 * {@code cpu.microcode};</li>
 * <li>{@code sev}, {@code sev_es}, {@code sev_snp}: {@code true}/{@code false}, whether the host
 * kernel has each enabled;</li>
 * <li>{@code snp.firmware} (SEV firmware version, e.g. {@code 1.55.38}), {@code snp.asids} (number
 * of SNP ASIDs);</li>
 * <li>{@code kernel.release} (e.g. {@code 6.11.0-rc3-snp-host}), {@code qemu.version} (e.g.
 * {@code 11.0.2});</li>
 * <li>{@code memory.mb}, {@code cpus};</li>
 * <li>{@code dev.sev}, {@code dev.kvm}, {@code dev.vhost_vsock}: {@code rw} (the agent can read and
 * write it), {@code present} or {@code absent}, for {@code /dev/sev}, {@code /dev/kvm},
 * {@code /dev/vhost-vsock}.</li>
 * </ul>
 *
 * <h2>Errors</h2>
 * Every problem is a {@link PipelineException} naming the line, e.g.
 * {@code .snplab.yml line 9: `timeout` must be a duration like 30m, got `thirty`}. Unknown keys are
 * errors (with a "did you mean" when one is close), as are duplicate keys and job names. Files are
 * limited to 256 KiB, 10 aliases to collections and 20 levels of nesting.
 */
public final class PipelineParser {

	static final int MAX_BYTES = 256 * 1024;

	static final int MAX_JOBS = 100;

	static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(60);

	static final Duration MAX_TIMEOUT = Duration.ofHours(24);

	static final List<String> KNOWN_FACTS = List.of("cpu.vendor", "cpu.family", "cpu.model", "cpu.generation",
			"cpu.microcode", "sev", "sev_es", "sev_snp", "snp.firmware", "snp.asids", "kernel.release", "qemu.version",
			"memory.mb", "cpus", "dev.sev", "dev.kvm", "dev.vhost_vsock");

	private static final Pattern JOB_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

	private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

	private static final Pattern DURATION = Pattern.compile("(?:(\\d{1,5})h)?(?:(\\d{1,7})m)?(?:(\\d{1,9})s)?");

	private static final Pattern PRIORITY = Pattern.compile("\\d{1,9}");

	private static final List<String> TOP_KEYS = List.of("on", "jobs");

	private static final List<String> ON_KEYS = List.of("push", "pull_request", "schedule");

	private static final List<String> PUSH_KEYS = List.of("branches", "tags");

	private static final List<String> PR_KEYS = List.of("branches", "drafts");

	private static final List<String> SCHEDULE_KEYS = List.of("cron");

	private static final List<String> JOB_KEYS = List.of("requires", "timeout", "priority", "env", "steps",
			"artifacts", "reports");

	private static final List<String> REPORT_KEYS = List.of("junit");

	private static final String LABELS = "labels";

	private PipelineParser() {
	}

	/**
	 * Parses the text of a {@code .snplab.yml}.
	 *
	 * @throws PipelineException naming the line and the problem if the file is not valid
	 */
	public static Pipeline parse(String yamlText) throws PipelineException {
		if (yamlText == null || yamlText.isBlank()) {
			throw new PipelineException(0, "the file is empty; it needs at least `jobs:`");
		}
		if (yamlText.length() > MAX_BYTES || yamlText.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
			throw new PipelineException(0, "the file is larger than 256 KiB");
		}
		Node root = compose(yamlText);
		if (root == null) {
			throw new PipelineException(0, "the file is empty; it needs at least `jobs:`");
		}
		if (!(root instanceof MappingNode)) {
			throw new PipelineException(line(root),
					"the file must be a mapping with `jobs:` (and optionally `on:`), got " + kind(root));
		}
		Map<String, NodeTuple> top = fields((MappingNode) root, "the file", TOP_KEYS);
		Triggers on = top.containsKey("on") ? parseOn(top.get("on").getValueNode()) : Triggers.defaults();
		if (!top.containsKey("jobs")) {
			throw new PipelineException(line(root), "`jobs` is missing; the file needs at least one job");
		}
		return new Pipeline(on, parseJobs(top.get("jobs")));
	}

	private static Node compose(String text) throws PipelineException {
		LoaderOptions options = new LoaderOptions();
		options.setAllowDuplicateKeys(false);
		options.setAllowRecursiveKeys(false);
		options.setMaxAliasesForCollections(10);
		options.setCodePointLimit(1024 * 1024);
		options.setNestingDepthLimit(20);
		options.setMergeOnCompose(false);
		try {
			return new Yaml(options, new DumperOptions()).compose(new StringReader(text));
		}
		catch (MarkedYAMLException e) {
			Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
			String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
			if (e.getContext() != null) {
				problem = problem + " (" + e.getContext() + ")";
			}
			if (problem.contains("'>'") || problem.contains("block scalar")) {
				problem = problem + "; quote comparisons, e.g. qemu.version: \">=11.0\"";
			}
			throw new PipelineException(mark == null ? 0 : mark.getLine() + 1, "invalid YAML: " + problem);
		}
		catch (YAMLException e) {
			String msg = String.valueOf(e.getMessage());
			if (msg.contains("aliases")) {
				throw new PipelineException(0, "too many aliases (`*name`) to lists or mappings; at most 10 are allowed");
			}
			if (msg.toLowerCase(Locale.ROOT).contains("nesting depth")) {
				throw new PipelineException(0, "the YAML is nested too deeply");
			}
			throw new PipelineException(0, "invalid YAML: " + msg);
		}
	}

	// ---- on ----

	private static Triggers parseOn(Node n) throws PipelineException {
		if (isNull(n)) {
			throw new PipelineException(line(n),
					"`on` is empty; remove it to run on every push and pull request, or list the triggers");
		}
		Triggers.Push push = null;
		Triggers.PullRequest pr = null;
		List<String> schedules = new ArrayList<>();
		if (n instanceof ScalarNode || n instanceof SequenceNode) {
			List<Node> names = n instanceof SequenceNode s ? s.getValue() : List.of(n);
			if (names.isEmpty()) {
				throw new PipelineException(line(n),
						"`on` is empty; remove it to run on every push and pull request, or list the triggers");
			}
			for (Node item : names) {
				String name = scalar(item, "each trigger in `on`");
				switch (name) {
					case "push" -> push = new Triggers.Push(List.of(), List.of());
					case "pull_request" -> pr = new Triggers.PullRequest(List.of(), false);
					case "schedule" -> throw new PipelineException(line(item),
							"`schedule` needs cron expressions: `on: { schedule: [ { cron: \"0 0 3 * * ?\" } ] }`");
					default -> throw new PipelineException(line(item),
							"unknown trigger `" + name + "` in `on`" + hint(name, ON_KEYS));
				}
			}
			return new Triggers(push, pr, schedules);
		}
		Map<String, NodeTuple> on = fields(mapping(n, "`on`"), "`on`", ON_KEYS);
		if (on.isEmpty()) {
			throw new PipelineException(line(n),
					"`on` is empty; remove it to run on every push and pull request, or list the triggers");
		}
		if (on.containsKey("push")) {
			Node v = on.get("push").getValueNode();
			if (isNull(v)) {
				push = new Triggers.Push(List.of(), List.of());
			}
			else {
				Map<String, NodeTuple> f = fields(mapping(v, "`push`"), "`push`", PUSH_KEYS);
				push = new Triggers.Push(globs(f.get("branches"), false), globs(f.get("tags"), false));
			}
		}
		if (on.containsKey("pull_request")) {
			Node v = on.get("pull_request").getValueNode();
			if (isNull(v)) {
				pr = new Triggers.PullRequest(List.of(), false);
			}
			else {
				Map<String, NodeTuple> f = fields(mapping(v, "`pull_request`"), "`pull_request`", PR_KEYS);
				boolean drafts = f.containsKey("drafts") && bool(f.get("drafts").getValueNode(), "`drafts`");
				pr = new Triggers.PullRequest(globs(f.get("branches"), false), drafts);
			}
		}
		if (on.containsKey("schedule")) {
			Node v = on.get("schedule").getValueNode();
			if (!(v instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
				throw new PipelineException(line(v),
						"`schedule` must be a list like [ { cron: \"0 0 3 * * ?\" } ], got " + kind(v));
			}
			for (Node entry : seq.getValue()) {
				if (!(entry instanceof MappingNode m)) {
					throw new PipelineException(line(entry),
							"each `schedule` entry must be a mapping like { cron: \"0 0 3 * * ?\" }, got " + kind(entry));
				}
				Map<String, NodeTuple> f = fields(m, "the `schedule` entry", SCHEDULE_KEYS);
				if (!f.containsKey("cron")) {
					throw new PipelineException(line(entry), "the `schedule` entry needs `cron`");
				}
				Node c = f.get("cron").getValueNode();
				String cron = scalar(c, "`cron`").trim();
				if (!CronExpression.isValidExpression(cron)) {
					throw new PipelineException(line(c), "`cron` is not a valid Quartz cron expression: `" + cron
							+ "` (expected `sec min hour day-of-month month day-of-week`, e.g. \"0 0 3 * * ?\")");
				}
				schedules.add(cron);
			}
		}
		return new Triggers(push, pr, schedules);
	}

	// ---- jobs ----

	private static List<JobSpec> parseJobs(NodeTuple jobsTuple) throws PipelineException {
		Node n = jobsTuple.getValueNode();
		if (isNull(n)) {
			throw new PipelineException(line(jobsTuple.getKeyNode()), "`jobs` is empty; the file needs at least one job");
		}
		if (!(n instanceof MappingNode m)) {
			throw new PipelineException(line(n), "`jobs` must be a mapping of job name to job, got " + kind(n));
		}
		if (m.getValue().isEmpty()) {
			throw new PipelineException(line(n), "`jobs` is empty; the file needs at least one job");
		}
		if (m.getValue().size() > MAX_JOBS) {
			throw new PipelineException(line(m.getValue().get(MAX_JOBS).getKeyNode()),
					"too many jobs: " + m.getValue().size() + ", at most " + MAX_JOBS + " are allowed");
		}
		Map<String, NodeTuple> jobs = new LinkedHashMap<>();
		for (NodeTuple t : m.getValue()) {
			Node k = t.getKeyNode();
			String name = key(k);
			if (jobs.containsKey(name)) {
				throw new PipelineException(line(k), "duplicate job name `" + name + "` (first defined on line "
						+ line(jobs.get(name).getKeyNode()) + ")");
			}
			if (!JOB_NAME.matcher(name).matches()) {
				throw new PipelineException(line(k), "job name `" + name
						+ "` must start with a letter or digit and contain only letters, digits, `_`, `.` and `-` (at most 64)");
			}
			jobs.put(name, t);
		}
		List<JobSpec> out = new ArrayList<>();
		for (Map.Entry<String, NodeTuple> e : jobs.entrySet()) {
			out.add(parseJob(e.getKey(), e.getValue()));
		}
		return out;
	}

	private static JobSpec parseJob(String name, NodeTuple t) throws PipelineException {
		Node n = t.getValueNode();
		String where = "job `" + name + "`";
		if (isNull(n)) {
			throw new PipelineException(line(t.getKeyNode()), where + " is empty; it needs `steps`");
		}
		if (!(n instanceof MappingNode) && JOB_KEYS.contains(name)) {
			throw new PipelineException(line(t.getKeyNode()), where + " must be a mapping, got " + kind(n)
					+ "; is `" + name + "` meant to be indented under a job?");
		}
		Map<String, NodeTuple> f = fields(mapping(n, where), where, JOB_KEYS);
		if (!f.containsKey("steps")) {
			throw new PipelineException(line(t.getKeyNode()), where + " needs `steps`");
		}
		Requirements requires = f.containsKey("requires") ? parseRequires(f.get("requires").getValueNode())
				: Requirements.none();
		Duration timeout = f.containsKey("timeout") ? parseTimeout(f.get("timeout").getValueNode()) : DEFAULT_TIMEOUT;
		int priority = f.containsKey("priority") ? parsePriority(f.get("priority").getValueNode()) : 0;
		Map<String, String> env = f.containsKey("env") ? parseEnv(f.get("env").getValueNode()) : Map.of();
		List<String> steps = parseSteps(f.get("steps"));
		List<String> artifacts = globs(f.get("artifacts"), true);
		List<String> junit = List.of();
		if (f.containsKey("reports")) {
			Node r = f.get("reports").getValueNode();
			if (!isNull(r)) {
				Map<String, NodeTuple> rf = fields(mapping(r, "`reports`"), "`reports`", REPORT_KEYS);
				junit = globs(rf.get("junit"), true);
			}
		}
		return new JobSpec(name, requires, timeout, priority, env, steps, artifacts, junit);
	}

	private static Duration parseTimeout(Node n) throws PipelineException {
		String text = n instanceof ScalarNode s ? s.getValue().trim() : null;
		Matcher m = text == null ? null : DURATION.matcher(text);
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

	private static int parsePriority(Node n) throws PipelineException {
		String text = n instanceof ScalarNode s ? s.getValue().trim() : null;
		if (text == null || !PRIORITY.matcher(text).matches() || Integer.parseInt(text) > 1000) {
			throw new PipelineException(line(n), "`priority` must be an integer from 0 to 1000, got "
					+ (text == null ? kind(n) : "`" + text + "`"));
		}
		return Integer.parseInt(text);
	}

	private static Map<String, String> parseEnv(Node n) throws PipelineException {
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

	private static List<String> parseSteps(NodeTuple t) throws PipelineException {
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

	/** A list of globs (or a single one); {@code paths} adds the rules for files in the workspace. */
	private static List<String> globs(NodeTuple t, boolean paths) throws PipelineException {
		if (t == null) {
			return List.of();
		}
		String what = "`" + ((ScalarNode) t.getKeyNode()).getValue() + "`";
		Node n = t.getValueNode();
		if (isNull(n)) {
			return List.of();
		}
		if (n instanceof MappingNode) {
			throw new PipelineException(line(n), what + " must be a list of glob patterns, got a mapping");
		}
		List<Node> items = n instanceof SequenceNode s ? s.getValue() : List.of(n);
		List<String> out = new ArrayList<>();
		for (Node item : items) {
			if (!(item instanceof ScalarNode) || isNull(item) || ((ScalarNode) item).getValue().isBlank()) {
				throw new PipelineException(line(item), "each of " + what + " must be a glob pattern, got " + kind(item));
			}
			String glob = ((ScalarNode) item).getValue().trim();
			if (paths) {
				if (glob.startsWith("/") || glob.startsWith("\\") || glob.startsWith("~")
						|| glob.matches("[A-Za-z]:.*")) {
					throw new PipelineException(line(item),
							what + " entry `" + glob + "` must be a path relative to the checkout");
				}
				for (String segment : glob.split("[/\\\\]")) {
					if (segment.equals("..")) {
						throw new PipelineException(line(item),
								what + " entry `" + glob + "` must not contain `..`");
					}
				}
			}
			out.add(glob);
		}
		return out;
	}

	// ---- requires ----

	private static Requirements parseRequires(Node n) throws PipelineException {
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
				labels.addAll(parseLabels(v));
				continue;
			}
			if (distance(fact.toLowerCase(Locale.ROOT), LABELS) <= 2) {
				throw new PipelineException(line(k), "unknown key `" + fact + "` in `requires`; did you mean `labels`?");
			}
			if (!Requirement.FACT_NAME.matcher(fact).matches()) {
				String near = suggest(fact.toLowerCase(Locale.ROOT).replace('-', '_'), KNOWN_FACTS);
				throw new PipelineException(line(k), "fact name `" + fact
						+ "` must be lower case letters, digits, `_` and `.`, starting with a letter"
						+ (near == null ? "" : "; did you mean `" + near + "`?"));
			}
			facts.add(parsePredicate(fact, v));
		}
		return new Requirements(facts, labels);
	}

	private static Requirement parsePredicate(String fact, Node v) throws PipelineException {
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

	private static List<String> parseLabels(Node n) throws PipelineException {
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
			out.add(label);
		}
		return out;
	}

	// ---- helpers ----

	/**
	 * The mapping's entries by key, in order, rejecting non-scalar and duplicate keys, and keys not
	 * in {@code allowed} (unless it is null).
	 */
	private static Map<String, NodeTuple> fields(MappingNode m, String where, List<String> allowed)
			throws PipelineException {
		Map<String, NodeTuple> out = new LinkedHashMap<>();
		for (NodeTuple t : m.getValue()) {
			Node k = t.getKeyNode();
			String key = key(k);
			if (out.containsKey(key)) {
				throw new PipelineException(line(k), "duplicate key `" + key + "` in " + where
						+ " (first on line " + line(out.get(key).getKeyNode()) + ")");
			}
			if (allowed != null && !allowed.contains(key)) {
				throw new PipelineException(line(k), "unknown key `" + key + "` in " + where + hint(key, allowed));
			}
			out.put(key, t);
		}
		return out;
	}

	private static String key(Node k) throws PipelineException {
		if (!(k instanceof ScalarNode s) || Tag.MERGE.equals(k.getTag())) {
			throw new PipelineException(line(k), "keys must be plain names, got " + kind(k));
		}
		return s.getValue();
	}

	private static String hint(String key, List<String> allowed) {
		String near = suggest(key, allowed);
		return near != null ? "; did you mean `" + near + "`?" : " (expected one of " + String.join(", ", allowed) + ")";
	}

	/** The closest candidate if it is close enough to be a likely typo, else null. */
	static String suggest(String key, List<String> candidates) {
		String best = null;
		int bestDistance = Integer.MAX_VALUE;
		String k = key.toLowerCase(Locale.ROOT);
		for (String c : candidates) {
			int d = distance(k, c);
			if (d < bestDistance) {
				best = c;
				bestDistance = d;
			}
		}
		if (best == null || bestDistance > Math.min(2, Math.max(1, best.length() / 3))) {
			return null;
		}
		return best;
	}

	/** Levenshtein distance. */
	static int distance(String a, String b) {
		int[] prev = new int[b.length() + 1];
		int[] cur = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			prev[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			cur[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
				cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
			}
			int[] tmp = prev;
			prev = cur;
			cur = tmp;
		}
		return prev[b.length()];
	}

	private static MappingNode mapping(Node n, String what) throws PipelineException {
		if (!(n instanceof MappingNode m)) {
			throw new PipelineException(line(n), what + " must be a mapping, got " + kind(n));
		}
		return m;
	}

	private static String scalar(Node n, String what) throws PipelineException {
		if (!(n instanceof ScalarNode s) || isNull(n)) {
			throw new PipelineException(line(n), what + " must be a string, got " + kind(n));
		}
		return s.getValue();
	}

	private static boolean bool(Node n, String what) throws PipelineException {
		if (!(n instanceof ScalarNode s) || !Tag.BOOL.equals(n.getTag())) {
			throw new PipelineException(line(n), what + " must be true or false, got "
					+ (n instanceof ScalarNode s2 && !isNull(n) ? "`" + s2.getValue() + "`" : kind(n)));
		}
		return isTrue(s.getValue());
	}

	private static boolean isTrue(String yamlBool) {
		String v = yamlBool.toLowerCase(Locale.ROOT);
		return v.equals("true") || v.equals("yes") || v.equals("on") || v.equals("y");
	}

	private static boolean isNull(Node n) {
		return n instanceof ScalarNode s && Tag.NULL.equals(n.getTag())
				&& s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN;
	}

	private static String kind(Node n) {
		if (n instanceof MappingNode) {
			return "a mapping";
		}
		if (n instanceof SequenceNode) {
			return "a list";
		}
		if (isNull(n)) {
			return "nothing";
		}
		String v = ((ScalarNode) n).getValue();
		return "`" + (v.length() > 60 ? v.substring(0, 57) + "..." : v) + "`";
	}

	private static int line(Node n) {
		return n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
	}
}
