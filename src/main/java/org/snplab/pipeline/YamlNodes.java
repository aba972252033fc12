package org.snplab.pipeline;

import static org.snplab.pipeline.Suggestions.hint;

import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * Access to the composed YAML node tree. The readers work on nodes rather than constructed Java
 * objects so that every error can name its line and values keep the text the user wrote.
 */
final class YamlNodes {

	private YamlNodes() {
	}

	/** The file's node tree, or null if it holds no document; the limits keep hostile files cheap. */
	static Node compose(String text) throws PipelineException {
		LoaderOptions options = new LoaderOptions();
		options.setAllowDuplicateKeys(false);
		options.setAllowRecursiveKeys(false);
		options.setMaxAliasesForCollections(10);
		options.setCodePointLimit(1024 * 1024);
		options.setNestingDepthLimit(20);
		options.setMergeOnCompose(false);
		Node root;
		try {
			root = new Yaml(options, new DumperOptions()).compose(new StringReader(text));
		}
		catch (ReaderException e) {
			throw new PipelineException(lineAt(text, e.getPosition()), "invalid YAML: character U+"
					+ String.format(Locale.ROOT, "%04X", e.getCodePoint()) + " is not allowed in a YAML file"
					+ (e.getCodePoint() == 0 ? "; write NUL bytes as `\\0` in the step, e.g. printf 'x\\0y'" : ""));
		}
		catch (MarkedYAMLException e) {
			Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
			String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
			if (e.getContext() != null) {
				problem = problem + " (" + e.getContext() + ")";
			}
			// An unquoted ">=11.0" starts a block scalar, and SnakeYAML's complaint does not say so.
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
		if (root != null) {
			refuseUnstorableText(root, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
		}
		return root;
	}

	/**
	 * A double-quoted {@code "\0"} or {@code "\uD800"} is valid YAML but yields text neither a shell command nor
	 * PostgreSQL can hold, so it is refused with its line rather than failing later. Aliases share nodes: each is
	 * looked at once.
	 */
	private static void refuseUnstorableText(Node n, java.util.Set<Node> seen) throws PipelineException {
		if (!seen.add(n)) {
			return;
		}
		if (n instanceof ScalarNode s) {
			String problem = unstorable(s.getValue());
			if (problem != null) {
				throw new PipelineException(line(n), kind(n) + " contains " + problem
						+ ", which steps, names and values can't hold; to print one, let the step do it, e.g. printf 'x\\0y'");
			}
		}
		else if (n instanceof SequenceNode q) {
			for (Node item : q.getValue()) {
				refuseUnstorableText(item, seen);
			}
		}
		else if (n instanceof MappingNode m) {
			for (NodeTuple t : m.getValue()) {
				refuseUnstorableText(t.getKeyNode(), seen);
				refuseUnstorableText(t.getValueNode(), seen);
			}
		}
	}

	private static String unstorable(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '\0') {
				return "a NUL character (U+0000)";
			}
			if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
				i++;
			}
			else if (Character.isSurrogate(c)) {
				return "an unpaired surrogate (U+" + String.format(Locale.ROOT, "%04X", (int) c) + ")";
			}
		}
		return null;
	}

	/** The 1-based line of the code point at {@code position}. */
	private static int lineAt(String text, int position) {
		return 1 + (int) text.codePoints().limit(Math.max(position, 0)).filter(c -> c == '\n').count();
	}

	/**
	 * The mapping's entries by key, in order, rejecting non-scalar and duplicate keys, and keys not
	 * in {@code allowed} (unless it is null).
	 */
	static Map<String, NodeTuple> fields(MappingNode m, String where, List<String> allowed) throws PipelineException {
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

	static String key(Node k) throws PipelineException {
		if (!(k instanceof ScalarNode s) || Tag.MERGE.equals(k.getTag())) {
			throw new PipelineException(line(k), "keys must be plain names, got " + kind(k));
		}
		return s.getValue();
	}

	static MappingNode mapping(Node n, String what) throws PipelineException {
		if (!(n instanceof MappingNode m)) {
			throw new PipelineException(line(n), what + " must be a mapping, got " + kind(n));
		}
		return m;
	}

	static String scalar(Node n, String what) throws PipelineException {
		if (!(n instanceof ScalarNode s) || isNull(n)) {
			throw new PipelineException(line(n), what + " must be a string, got " + kind(n));
		}
		return s.getValue();
	}

	static boolean bool(Node n, String what) throws PipelineException {
		if (!(n instanceof ScalarNode s) || !Tag.BOOL.equals(n.getTag())) {
			throw new PipelineException(line(n), what + " must be true or false, got "
					+ (n instanceof ScalarNode s2 && !isNull(n) ? "`" + s2.getValue() + "`" : kind(n)));
		}
		return isTrue(s.getValue());
	}

	/** Whether a YAML 1.1 boolean's text (yes, True, on...) means true. */
	static boolean isTrue(String yamlBool) {
		String v = yamlBool.toLowerCase(Locale.ROOT);
		return v.equals("true") || v.equals("yes") || v.equals("on") || v.equals("y");
	}

	/** An empty value or {@code ~}; a quoted {@code "~"} is text, not null. */
	static boolean isNull(Node n) {
		return n instanceof ScalarNode s && Tag.NULL.equals(n.getTag())
				&& s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN;
	}

	/** How to show the node in a message; long values are cut so one line stays readable. */
	static String kind(Node n) {
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

	/** The 1-based line, or 0 (no line in the message) if the node has no position. */
	static int line(Node n) {
		return n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
	}
}
