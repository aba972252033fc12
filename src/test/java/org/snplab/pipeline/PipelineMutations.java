package org.snplab.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded random damage to real {@code .snplab.yml} files, for fuzz tests: byte flips, NULs and other characters
 * PostgreSQL or YAML can't take, truncation, deep nesting, huge values, values of the wrong type, YAML's own
 * special syntax. The same seed gives the same files, so a failure can be replayed.
 */
public final class PipelineMutations {

	/** The README's example and the pipelines of the end-to-end and parser tests. */
	public static final List<String> SEEDS = List.of(PipelineParserUnitTests.EXAMPLE, """
			jobs:
			  build:
			    steps:
			      - echo line-1
			      - for i in $(seq 2 300); do echo line-$i; done
			      - mkdir -p out && echo "slot $SNPLAB_SLOT commit $SNPLAB_COMMIT" > out/result.log
			    artifacts: [ "out/*.log" ]
			  broken:
			    steps: [ "echo before", "exit 3", "echo never" ]
			""", """
			on:
			  push:
			    branches: [ main, "release/**" ]
			    tags: [ "v*" ]
			  pull_request:
			    branches: [ main ]
			    drafts: true
			  schedule:
			    - cron: "0 0 3 * * ?"
			jobs:
			  test-in-svsm:
			    requires:
			      sev_snp: true
			      cpu.generation: [ genoa, turin ]
			      snp.firmware: ">=1.55"
			      kernel.release: "!=6.9.0"
			      labels: [ coconut, rack=b ]
			    timeout: 1h30m
			    priority: 1000
			    env:
			      RELEASE: 1
			      EMPTY: ~
			      VERSION: 1.10
			    steps: |
			      make bin/coconut-test-qemu.igvm
			    artifacts: "*.log"
			    reports:
			      junit: [ "target/reports/*.xml" ]
			""", """
			on: [push, pull_request]
			jobs:
			  a: { steps: [ "make" ] }
			  b: { steps: [ "make test" ], requires: { labels: [x] } }
			""");

	private static final String[] SPECIAL = { "\0", "\\0", "\"\\x00\"", "\"\\uD800\"", "\uFFFD", "\u2028", "\t", "\r",
			"\u001b[31m", "&a ", "*a", "!!binary ", "!!int ", "<<: *a", "? ", "- ", ": ", "{", "}", "[", "]", "|", ">",
			"'", "\"", "#", "%YAML 1.2\n", "---\n", "...\n", "~", "null", "true", "-1", "1e999", "0x7fffffff",
			"99999999999999999999", "\ud83d\ude00", "..", "/", "**" };

	private final Random random;

	public PipelineMutations(long seed) {
		this.random = new Random(seed);
	}

	/** One damaged file, from a random seed file and one to three random mutations. */
	public String next() {
		String text = SEEDS.get(random.nextInt(SEEDS.size()));
		int mutations = 1 + random.nextInt(3);
		for (int i = 0; i < mutations; i++) {
			text = mutate(text);
		}
		return text;
	}

	private String mutate(String text) {
		return switch (random.nextInt(11)) {
			case 0 -> flipByte(text);
			case 1 -> insert(text, SPECIAL[random.nextInt(SPECIAL.length)]);
			case 2 -> text.substring(0, random.nextInt(text.length() + 1));
			case 3 -> deepNesting(text);
			case 4 -> hugeValue(text);
			case 5 -> wrongType(text);
			case 6 -> dropLine(text);
			case 7 -> duplicateLine(text);
			case 8 -> reindent(text);
			case 9 -> insert(text, String.valueOf((char) random.nextInt(0x10000)));
			default -> insert(text, SPECIAL[random.nextInt(SPECIAL.length)] + SPECIAL[random.nextInt(SPECIAL.length)]);
		};
	}

	private String flipByte(String text) {
		if (text.isEmpty()) {
			return text;
		}
		int at = random.nextInt(text.length());
		char flipped = (char) (text.charAt(at) ^ (1 << random.nextInt(8)));
		return text.substring(0, at) + flipped + text.substring(at + 1);
	}

	private String insert(String text, String what) {
		int at = random.nextInt(text.length() + 1);
		return text.substring(0, at) + what + text.substring(at);
	}

	private String deepNesting(String text) {
		int depth = 5 + random.nextInt(200);
		String open = random.nextBoolean() ? "[" : "{ a: ";
		String close = open.equals("[") ? "]" : " }";
		return replaceValue(text, open.repeat(depth) + "x" + close.repeat(depth));
	}

	private String hugeValue(String text) {
		// Mostly values a parser must read through; now and then one past the 256 KiB limit.
		int size = random.nextInt(4) > 0 ? 1 + random.nextInt(20_000) : 262_000 + random.nextInt(20_000);
		String unit = SPECIAL[random.nextInt(SPECIAL.length)].replace("\n", "");
		String value = (unit.isEmpty() ? "x" : unit).repeat(Math.max(1, size / Math.max(1, unit.length())));
		return replaceValue(text, random.nextBoolean() ? value : "\"" + value.replace("\"", "") + "\"");
	}

	private String wrongType(String text) {
		String[] values = { "[]", "{}", "[ [ a ] ]", "{ a: b }", "42", "-7", "3.5", "true", "~", "\"\"", "2000-01-01",
				"[ { a: [ b ] } ]", "!!set { a }", "&x [ a ]", "*x", "\"x\\0y\"", "[ \"\\x00\" ]", "\"\\uD800\"",
				"{ \"k\\0\": v }" };
		return replaceValue(text, values[random.nextInt(values.length)]);
	}

	/** Replaces what follows the first ": " of a random line. */
	private String replaceValue(String text, String value) {
		List<String> lines = new ArrayList<>(text.lines().toList());
		if (lines.isEmpty()) {
			return value;
		}
		int at = random.nextInt(lines.size());
		String line = lines.get(at);
		int colon = line.indexOf(": ");
		lines.set(at, colon < 0 ? line + " " + value : line.substring(0, colon + 2) + value);
		return String.join("\n", lines) + "\n";
	}

	private String dropLine(String text) {
		List<String> lines = new ArrayList<>(text.lines().toList());
		if (!lines.isEmpty()) {
			lines.remove(random.nextInt(lines.size()));
		}
		return String.join("\n", lines) + "\n";
	}

	private String duplicateLine(String text) {
		List<String> lines = new ArrayList<>(text.lines().toList());
		if (!lines.isEmpty()) {
			int at = random.nextInt(lines.size());
			lines.add(at, lines.get(at));
		}
		return String.join("\n", lines) + "\n";
	}

	private String reindent(String text) {
		List<String> lines = new ArrayList<>(text.lines().toList());
		if (!lines.isEmpty()) {
			int at = random.nextInt(lines.size());
			lines.set(at, " ".repeat(random.nextInt(7)) + lines.get(at).strip());
		}
		return String.join("\n", lines) + "\n";
	}
}
