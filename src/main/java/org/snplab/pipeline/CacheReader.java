package org.snplab.pipeline;

import static org.snplab.pipeline.GlobListReader.globs;
import static org.snplab.pipeline.YamlNodes.fields;
import static org.snplab.pipeline.YamlNodes.isNull;
import static org.snplab.pipeline.YamlNodes.kind;
import static org.snplab.pipeline.YamlNodes.line;
import static org.snplab.pipeline.YamlNodes.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Reads a job's {@code cache: [{key: "...", paths: [...]}]}. */
final class CacheReader {

	private static final List<String> KEYS = List.of("key", "paths");

	/** What a key may use besides plain text: {@code ${VAR}} and {@code hashFiles('glob')}, as the agent expands them. */
	private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*|hashFiles\\('[^']+'\\))}"
			+ "|hashFiles\\('[^']+'\\)");

	private static final int MAX_KEY_LENGTH = 512;

	private CacheReader() {
	}

	static List<CacheSpec> read(Node n) throws PipelineException {
		if (isNull(n)) {
			return List.of();
		}
		if (!(n instanceof SequenceNode list)) {
			throw new PipelineException(line(n), "`cache` must be a list of {key, paths}, got " + kind(n));
		}
		List<CacheSpec> caches = new ArrayList<>();
		for (Node item : list.getValue()) {
			Map<String, NodeTuple> f = fields(mapping(item, "each of `cache`"), "each of `cache`", KEYS);
			if (!f.containsKey("key") || !f.containsKey("paths")) {
				throw new PipelineException(line(item), "each of `cache` needs a `key` and `paths`");
			}
			String key = key(f.get("key").getValueNode());
			List<String> paths = globs(f.get("paths"), true);
			if (paths.isEmpty()) {
				throw new PipelineException(line(f.get("paths").getValueNode()), "`cache` `paths` must not be empty");
			}
			for (String path : paths) {
				String first = path.replaceAll("^(\\./)+", "").split("/")[0];
				if (first.isEmpty() || first.equals(".") || first.equals(".git")) {
					throw new PipelineException(line(f.get("paths").getValueNode()),
							"`cache` `paths` must not be the checkout itself or its .git, got `" + path + "`");
				}
			}
			caches.add(new CacheSpec(key, paths));
		}
		return caches;
	}

	private static String key(Node n) throws PipelineException {
		if (!(n instanceof ScalarNode s) || s.getValue().isBlank()) {
			throw new PipelineException(line(n), "a cache `key` must be a non-empty string, got " + kind(n));
		}
		String key = s.getValue().trim();
		if (key.length() > MAX_KEY_LENGTH) {
			throw new PipelineException(line(n), "a cache `key` is at most " + MAX_KEY_LENGTH + " characters");
		}
		String rest = EXPRESSION.matcher(key).replaceAll("");
		if (rest.contains("${") || rest.contains("(")) {
			throw new PipelineException(line(n), "a cache `key` may use ${VAR} and hashFiles('glob') only, got `" + key + "`");
		}
		return key;
	}
}
