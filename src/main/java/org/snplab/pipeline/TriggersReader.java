package org.snplab.pipeline;

import static org.snplab.pipeline.GlobListReader.globs;
import static org.snplab.pipeline.Suggestions.hint;
import static org.snplab.pipeline.YamlNodes.bool;
import static org.snplab.pipeline.YamlNodes.fields;
import static org.snplab.pipeline.YamlNodes.isNull;
import static org.snplab.pipeline.YamlNodes.kind;
import static org.snplab.pipeline.YamlNodes.line;
import static org.snplab.pipeline.YamlNodes.mapping;
import static org.snplab.pipeline.YamlNodes.scalar;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.quartz.CronExpression;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Reads the {@code on} block into {@link Triggers}. */
final class TriggersReader {

	private static final List<String> ON_KEYS = List.of("push", "pull_request", "schedule");

	private static final List<String> PUSH_KEYS = List.of("branches", "tags");

	private static final List<String> PR_KEYS = List.of("branches", "drafts");

	private static final List<String> SCHEDULE_KEYS = List.of("cron");

	// An empty `on` is more likely a mistake than a wish never to run, so it is an error, not "no triggers".
	private static final String EMPTY = "`on` is empty; remove it to run on every push and pull request, or list the triggers";

	private TriggersReader() {
	}

	static Triggers read(Node n) throws PipelineException {
		if (isNull(n)) {
			throw new PipelineException(line(n), EMPTY);
		}
		if (n instanceof ScalarNode || n instanceof SequenceNode) {
			return readNames(n);
		}
		Map<String, NodeTuple> on = fields(mapping(n, "`on`"), "`on`", ON_KEYS);
		if (on.isEmpty()) {
			throw new PipelineException(line(n), EMPTY);
		}
		Triggers.Push push = null;
		Triggers.PullRequest pr = null;
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
		List<String> schedules = on.containsKey("schedule") ? readSchedule(on.get("schedule").getValueNode())
				: List.of();
		return new Triggers(push, pr, schedules);
	}

	/** The short forms {@code on: push} and {@code on: [push, pull_request]}. */
	private static Triggers readNames(Node n) throws PipelineException {
		List<Node> names = n instanceof SequenceNode s ? s.getValue() : List.of(n);
		if (names.isEmpty()) {
			throw new PipelineException(line(n), EMPTY);
		}
		Triggers.Push push = null;
		Triggers.PullRequest pr = null;
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
		return new Triggers(push, pr, List.of());
	}

	private static List<String> readSchedule(Node v) throws PipelineException {
		if (!(v instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
			throw new PipelineException(line(v),
					"`schedule` must be a list like [ { cron: \"0 0 3 * * ?\" } ], got " + kind(v));
		}
		List<String> schedules = new ArrayList<>();
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
		return schedules;
	}
}
