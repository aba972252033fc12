package org.snplab.pipeline;

import static org.snplab.pipeline.YamlNodes.isNull;
import static org.snplab.pipeline.YamlNodes.kind;
import static org.snplab.pipeline.YamlNodes.line;

import java.util.ArrayList;
import java.util.List;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Reads the glob lists of {@code on} (branches, tags) and of a job (artifacts, reports). */
final class GlobListReader {

	private GlobListReader() {
	}

	/**
	 * A list of globs (or a single one), empty if the key is absent or has no value; {@code paths}
	 * adds the rules for files in the workspace.
	 */
	static List<String> globs(NodeTuple t, boolean paths) throws PipelineException {
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
				checkInCheckout(glob, what, item);
			}
			out.add(glob);
		}
		return out;
	}

	private static void checkInCheckout(String glob, String what, Node item) throws PipelineException {
		if (glob.startsWith("/") || glob.startsWith("\\") || glob.startsWith("~") || glob.matches("[A-Za-z]:.*")) {
			throw new PipelineException(line(item), what + " entry `" + glob + "` must be a path relative to the checkout");
		}
		for (String segment : glob.split("[/\\\\]")) {
			if (segment.equals("..")) {
				throw new PipelineException(line(item), what + " entry `" + glob + "` must not contain `..`");
			}
		}
	}
}
