package org.snplab.pipeline;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One predicate on a host fact, e.g. {@code sev_snp=true}, {@code cpu.generation in [genoa, turin]}
 * or {@code qemu.version>=11.0}.
 *
 * <p>Matching rules:
 * <ul>
 * <li>A fact the host does not report (absent from the map, or reported as {@code absent}) matches
 * only {@link Op#NE}.</li>
 * <li>If both the host value and the wanted value look like versions (digits separated by dots,
 * optionally followed by a suffix such as {@code -rc3-snp-host} or {@code +ds}), they are compared
 * numerically segment by segment on the leading numeric part, missing segments counting as 0:
 * {@code 6.11.0-rc3 >= 6.11}, {@code 11.0.2 >= 11.0}, {@code 1.55.38 > 1.51}, {@code 65536 >= 4096}.
 * For {@link Op#EQ}/{@link Op#ONE_OF}/{@link Op#NE}, a wanted value with a suffix additionally needs
 * the same suffix, so {@code 6.11} equals {@code 6.11.0-rc3} but {@code 6.11.0-rc3} does not equal
 * {@code 6.11.0-rc4}.</li>
 * <li>Otherwise values are compared as exact strings for EQ/ONE_OF/NE, and ordering comparisons
 * (GT, GE, LT, LE) do not match.</li>
 * </ul>
 *
 * <p>The canonical constructor normalises: ONE_OF values are sorted and de-duplicated, and a ONE_OF
 * with a single value becomes EQ, so equal predicates are equal records.
 */
public record Requirement(String fact, Op op, List<String> values) {

	static final Pattern FACT_NAME = Pattern.compile("[a-z][a-z0-9_.]*");

	/** Fact value meaning "the host does not have this". */
	static final String ABSENT = "absent";

	public enum Op {

		EQ("="), ONE_OF(" in "), NE("!="), GT(">"), GE(">="), LT("<"), LE("<=");

		private final String symbol;

		Op(String symbol) {
			this.symbol = symbol;
		}

		boolean ordering() {
			return this == GT || this == GE || this == LT || this == LE;
		}
	}

	public Requirement {
		Objects.requireNonNull(fact, "fact");
		Objects.requireNonNull(op, "op");
		Objects.requireNonNull(values, "values");
		if (!FACT_NAME.matcher(fact).matches()) {
			throw new IllegalArgumentException("bad fact name `" + fact + "`: must match " + FACT_NAME.pattern());
		}
		values.forEach(v -> Objects.requireNonNull(v, "value"));
		if (op == Op.ONE_OF) {
			values = List.copyOf(new TreeSet<>(values));
			if (values.size() == 1) {
				op = Op.EQ;
			}
		}
		else {
			values = List.copyOf(values);
		}
		if (values.isEmpty() || (op != Op.ONE_OF && values.size() != 1)) {
			throw new IllegalArgumentException(
					op + " needs " + (op == Op.ONE_OF ? "at least one value" : "exactly one value") + ": " + values);
		}
	}

	/** Whether a host with these facts satisfies this requirement. */
	public boolean matches(Map<String, String> facts) {
		String have = facts == null ? null : facts.get(fact);
		if (have == null || have.equals(ABSENT)) {
			return op == Op.NE;
		}
		String want = values.get(0);
		return switch (op) {
			case EQ -> same(have, want);
			case ONE_OF -> values.stream().anyMatch(v -> same(have, v));
			case NE -> !same(have, want);
			case GT, GE, LT, LE -> {
				if (!Versions.isVersion(have) || !Versions.isVersion(want)) {
					yield false;
				}
				int c = Versions.compare(have, want);
				yield switch (op) {
					case GT -> c > 0;
					case GE -> c >= 0;
					case LT -> c < 0;
					default -> c <= 0;
				};
			}
		};
	}

	private static boolean same(String have, String want) {
		if (have.equals(want)) {
			return true;
		}
		if (Versions.isVersion(have) && Versions.isVersion(want) && Versions.compare(have, want) == 0) {
			String suffix = Versions.suffix(want);
			return suffix.isEmpty() || suffix.equals(Versions.suffix(have));
		}
		return false;
	}

	/** Human form: {@code sev_snp=true}, {@code cpu.generation in [genoa, turin]}, {@code qemu.version>=11.0}. */
	public String describe() {
		return fact + op.symbol + (op == Op.ONE_OF ? "[" + String.join(", ", values) + "]" : values.get(0));
	}

	/** Why a host with these facts does not match, or null if it does. */
	String mismatch(Map<String, String> facts) {
		if (matches(facts)) {
			return null;
		}
		String wanted = op == Op.ONE_OF ? fact + " one of [" + String.join(", ", values) + "]" : describe();
		String have = facts == null ? null : facts.get(fact);
		if (have == null || have.equals(ABSENT)) {
			return "requires " + wanted + ", host does not report " + fact;
		}
		return "requires " + wanted + ", host has " + have;
	}
}
