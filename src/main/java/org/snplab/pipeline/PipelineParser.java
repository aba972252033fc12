package org.snplab.pipeline;

import static org.snplab.pipeline.YamlNodes.fields;
import static org.snplab.pipeline.YamlNodes.isNull;
import static org.snplab.pipeline.YamlNodes.key;
import static org.snplab.pipeline.YamlNodes.kind;
import static org.snplab.pipeline.YamlNodes.line;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

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
 * <li>{@code roles}: a job of several hosts at once (e.g. a live migration's source and destination): a mapping of
 * role name ({@code [a-z0-9][a-z0-9_-]*}, at least two roles) to {@code { steps, requires, resources, env }}, each
 * optional; a role inherits the job's and overrides what it gives ({@code requires} and {@code env} key by key).
 * Each role is a job of the run named {@code <job>/<role>}, on a host of its own; all are placed together or none.
 * {@code same: [facts]} (default {@code [cpu.generation]}) names facts all of its hosts must share.</li>
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
 * limited to 256 KiB, 10 aliases to collections and 20 levels of nesting, a {@code requires} block to 2 KiB
 * written out. No value or key may hold a NUL ({@code "\0"}) or an unpaired surrogate: neither a shell command
 * nor PostgreSQL can hold one.
 */
public final class PipelineParser {

	static final int MAX_BYTES = 256 * 1024;

	static final int MAX_JOBS = 100;

	private static final Pattern JOB_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

	private static final List<String> TOP_KEYS = List.of("on", "jobs");

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
		// Every char is at least one UTF-8 byte, so long text is turned away without encoding it.
		if (yamlText.length() > MAX_BYTES || yamlText.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
			throw new PipelineException(0, "the file is larger than 256 KiB");
		}
		Node root = YamlNodes.compose(yamlText);
		if (root == null) {
			throw new PipelineException(0, "the file is empty; it needs at least `jobs:`");
		}
		if (!(root instanceof MappingNode)) {
			throw new PipelineException(line(root),
					"the file must be a mapping with `jobs:` (and optionally `on:`), got " + kind(root));
		}
		Map<String, NodeTuple> top = fields((MappingNode) root, "the file", TOP_KEYS);
		Triggers on = top.containsKey("on") ? TriggersReader.read(top.get("on").getValueNode()) : Triggers.defaults();
		if (!top.containsKey("jobs")) {
			throw new PipelineException(line(root), "`jobs` is missing; the file needs at least one job");
		}
		return new Pipeline(on, jobs(top.get("jobs")));
	}

	private static List<JobSpec> jobs(NodeTuple jobsTuple) throws PipelineException {
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
			out.addAll(JobReader.read(e.getKey(), e.getValue()));
		}
		return out;
	}
}
