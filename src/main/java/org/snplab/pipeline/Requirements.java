package org.snplab.pipeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a host must offer to run a job: predicates on its facts (see {@link Requirement}) and labels
 * it must carry. A label is {@code key} (the host must have label {@code key}, any value) or
 * {@code key=value} (the host must have label {@code key} with exactly that value).
 *
 * <p>The record keeps the order of the file ({@link #describe()} and {@link #mismatch} follow it);
 * {@link #toJson()} is canonical: facts sorted by name (then operator and values), labels sorted and
 * de-duplicated, so requirements written in a different order give identical strings.
 */
public record Requirements(List<Requirement> facts, List<String> labels) {

	static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_./-]{0,62}(=[A-Za-z0-9_.:/+-]{1,128})?");

	private static final Requirements NONE = new Requirements(List.of(), List.of());

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Comparator<Requirement> ORDER = Comparator.comparing(Requirement::fact)
		.thenComparing(Requirement::op)
		.thenComparing(r -> String.join("\u0000", r.values()));

	public Requirements {
		facts = facts == null ? List.of() : List.copyOf(facts);
		labels = labels == null ? List.of() : List.copyOf(labels);
		for (String l : labels) {
			if (!LABEL.matcher(l).matches()) {
				throw new IllegalArgumentException("bad label `" + l + "`: use `name` or `name=value`");
			}
		}
	}

	/** No requirements: every host matches. */
	public static Requirements none() {
		return NONE;
	}

	/** Whether a host with these facts and labels can run the job. */
	public boolean matches(Map<String, String> hostFacts, Map<String, String> hostLabels) {
		return mismatch(hostFacts, hostLabels).isEmpty();
	}

	/**
	 * The first reason a host cannot run the job (facts in order, then labels), e.g.
	 * {@code requires cpu.generation one of [genoa, turin], host has milan} or
	 * {@code requires label coconut}; empty if it can.
	 */
	public Optional<String> mismatch(Map<String, String> hostFacts, Map<String, String> hostLabels) {
		for (Requirement r : facts) {
			String why = r.mismatch(hostFacts);
			if (why != null) {
				return Optional.of(why);
			}
		}
		Map<String, String> have = hostLabels == null ? Map.of() : hostLabels;
		for (String label : labels) {
			int eq = label.indexOf('=');
			String key = eq < 0 ? label : label.substring(0, eq);
			if (!have.containsKey(key)) {
				return Optional.of("requires label " + label);
			}
			if (eq >= 0 && !label.substring(eq + 1).equals(have.get(key))) {
				return Optional.of("requires label " + label + ", host has " + key + "=" + have.get(key));
			}
		}
		return Optional.empty();
	}

	/**
	 * Canonical JSON, e.g.
	 * {@code {"facts":[{"fact":"cpu.generation","op":"ONE_OF","values":["genoa","turin"]}],"labels":["coconut"]}}.
	 * Equal requirements give identical strings, so it can serve as a database key.
	 */
	public String toJson() {
		ObjectNode root = JSON.createObjectNode();
		ArrayNode fs = root.putArray("facts");
		List<Requirement> sorted = new ArrayList<>(facts);
		sorted.sort(ORDER);
		for (Requirement r : sorted) {
			ObjectNode f = fs.addObject();
			f.put("fact", r.fact());
			f.put("op", r.op().name());
			ArrayNode vs = f.putArray("values");
			r.values().forEach(vs::add);
		}
		ArrayNode ls = root.putArray("labels");
		new TreeSet<>(labels).forEach(ls::add);
		return JSON.writeValueAsString(root);
	}

	/**
	 * Reads what {@link #toJson()} wrote (so the result is in canonical order); throws {@link IllegalArgumentException} on malformed input. */
	public static Requirements fromJson(String json) {
		JsonNode root;
		try {
			root = JSON.readTree(json);
		}
		catch (JacksonException e) {
			throw new IllegalArgumentException("malformed requirements JSON: " + e.getOriginalMessage(), e);
		}
		if (root == null || !root.isObject()) {
			throw new IllegalArgumentException("requirements JSON must be an object");
		}
		List<Requirement> facts = new ArrayList<>();
		for (JsonNode f : array(root, "facts")) {
			if (!f.isObject()) {
				throw new IllegalArgumentException("each of `facts` must be an object");
			}
			Requirement.Op op;
			try {
				op = Requirement.Op.valueOf(string(f, "op"));
			}
			catch (IllegalArgumentException e) {
				throw new IllegalArgumentException("unknown op `" + f.get("op") + "`");
			}
			List<String> values = new ArrayList<>();
			for (JsonNode v : array(f, "values")) {
				if (!v.isString()) {
					throw new IllegalArgumentException("`values` must hold strings");
				}
				values.add(v.stringValue());
			}
			facts.add(new Requirement(string(f, "fact"), op, values));
		}
		List<String> labels = new ArrayList<>();
		for (JsonNode l : array(root, "labels")) {
			if (!l.isString()) {
				throw new IllegalArgumentException("`labels` must hold strings");
			}
			labels.add(l.stringValue());
		}
		return new Requirements(facts, labels);
	}

	private static JsonNode array(JsonNode parent, String name) {
		JsonNode n = parent.get(name);
		if (n == null || n.isNull()) {
			return JSON.createArrayNode();
		}
		if (!n.isArray()) {
			throw new IllegalArgumentException("`" + name + "` must be an array");
		}
		return n;
	}

	private static String string(JsonNode parent, String name) {
		JsonNode n = parent.get(name);
		if (n == null || !n.isString()) {
			throw new IllegalArgumentException("`" + name + "` must be a string");
		}
		return n.stringValue();
	}

	/**
	 * Human form: {@code sev_snp=true, cpu.generation in [genoa, turin], qemu.version>=11.0, labels [coconut]};
	 * {@code any host} when there are no requirements.
	 */
	public String describe() {
		List<String> parts = new ArrayList<>();
		facts.forEach(r -> parts.add(r.describe()));
		if (!labels.isEmpty()) {
			parts.add("labels [" + String.join(", ", labels) + "]");
		}
		return parts.isEmpty() ? "any host" : String.join(", ", parts);
	}
}
