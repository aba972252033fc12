package org.snplab.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.snplab.pipeline.Requirement.Op;

class RequirementsUnitTests {

	static Requirement req(String fact, Op op, String... values) {
		return new Requirement(fact, op, List.of(values));
	}

	static Map<String, String> facts(String... kv) {
		Map<String, String> m = new HashMap<>();
		for (int i = 0; i < kv.length; i += 2) {
			m.put(kv[i], kv[i + 1]);
		}
		return m;
	}

	static final Requirements EXAMPLE = new Requirements(
			List.of(req("sev_snp", Op.EQ, "true"), req("cpu.generation", Op.ONE_OF, "genoa", "turin"),
					req("qemu.version", Op.GE, "11.0")),
			List.of("coconut"));

	static final Map<String, String> GENOA_HOST = facts("sev_snp", "true", "cpu.generation", "genoa", "qemu.version",
			"11.0.2", "kernel.release", "6.11.0-rc3-snp-host");

	// ---- version comparisons ----

	@ParameterizedTest(name = "host {1} {0} {2} -> {3}")
	@CsvSource({
			// kernel releases with suffixes
			"GE, 6.11.0-rc3-snp-host, 6.11, true", "GE, 6.11.0-rc3, 6.11, true", "GT, 6.11.0-rc3, 6.11, false",
			"GE, 6.8.0-45-generic, 6.11, false", "LT, 6.8.0-45-generic, 6.11, true", "GE, 6.11.0, 6.9, true",
			"GE, 6.10.0, 6.9.12, true",
			// qemu
			"GE, 11.0.2, 11.0, true", "GE, 11.0, 11.0, true", "GT, 11.0, 11.0, false", "GE, 10.2.1, 11.0, false",
			"GE, 9.2.0+ds-1, 9.2, true", "LE, 11.0.0, 11, true",
			// firmware, numbers
			"GT, 1.55.38, 1.51, true", "GT, 1.51, 1.55.38, false", "LT, 1.51, 1.55.38, true",
			"GE, 65536, 4096, true", "GE, 4096, 65536, false", "GT, 10, 9, true", "GE, 0010, 10, true" })
	void comparesVersionsNumericallySegmentBySegment(Op op, String have, String want, boolean expected) {
		assertThat(req("v", op, want).matches(Map.of("v", have))).isEqualTo(expected);
	}

	@ParameterizedTest
	@CsvSource({ "GE, milan, genoa", "LT, milan, genoa", "GT, 0x1a, 0x19", "GE, 6.11, genoa", "LE, genoa, 6.11" })
	void orderingComparisonsNeverMatchNonVersions(Op op, String have, String want) {
		assertThat(req("v", op, want).matches(Map.of("v", have))).isFalse();
	}

	@Test
	void equalityComparesStringsExactlyAndVersionsNumerically() {
		assertThat(req("sev_snp", Op.EQ, "true").matches(Map.of("sev_snp", "true"))).isTrue();
		assertThat(req("sev_snp", Op.EQ, "true").matches(Map.of("sev_snp", "True"))).isFalse();
		assertThat(req("cpu.vendor", Op.EQ, "AuthenticAMD").matches(Map.of("cpu.vendor", "GenuineIntel"))).isFalse();
		assertThat(req("qemu.version", Op.EQ, "11.0").matches(Map.of("qemu.version", "11.0.0"))).isTrue();
		assertThat(req("qemu.version", Op.EQ, "11.0").matches(Map.of("qemu.version", "11.0.2"))).isFalse();
		assertThat(req("kernel.release", Op.EQ, "6.11").matches(Map.of("kernel.release", "6.11.0-rc3"))).isTrue();
		assertThat(req("kernel.release", Op.EQ, "6.11.0-rc3").matches(Map.of("kernel.release", "6.11.0-rc4")))
			.isFalse();
		assertThat(req("kernel.release", Op.NE, "6.11.0-rc3").matches(Map.of("kernel.release", "6.11.0-rc4")))
			.isTrue();
		assertThat(req("cpu.family", Op.NE, "25").matches(Map.of("cpu.family", "25"))).isFalse();
	}

	@Test
	void oneOfMatchesAnyListedValue() {
		Requirement r = req("cpu.generation", Op.ONE_OF, "genoa", "turin");

		assertThat(r.matches(Map.of("cpu.generation", "turin"))).isTrue();
		assertThat(r.matches(Map.of("cpu.generation", "genoa"))).isTrue();
		assertThat(r.matches(Map.of("cpu.generation", "milan"))).isFalse();
	}

	// ---- missing facts ----

	@ParameterizedTest
	@ValueSource(strings = { "EQ", "ONE_OF", "GT", "GE", "LT", "LE" })
	void missingFactMatchesNothingButNotEqual(Op op) {
		Requirement r = op == Op.ONE_OF ? req("dev.sev", op, "true", "false") : req("dev.sev", op, "1");

		assertThat(r.matches(Map.of())).isFalse();
		assertThat(r.matches(Map.of("dev.sev", "absent"))).isFalse();
		assertThat(r.matches(null)).isFalse();
	}

	@Test
	void missingFactMatchesNotEqual() {
		Requirement r = req("dev.sev", Op.NE, "false");

		assertThat(r.matches(Map.of())).isTrue();
		assertThat(r.matches(Map.of("dev.sev", "absent"))).isTrue();
		assertThat(r.matches(Map.of("dev.sev", "false"))).isFalse();
	}

	@Test
	void absentIsNotAValueThatCanBeRequired() {
		assertThat(req("dev.sev", Op.EQ, "absent").matches(Map.of("dev.sev", "absent"))).isFalse();
		assertThat(req("dev.sev", Op.ONE_OF, "absent", "true").matches(Map.of("dev.sev", "absent"))).isFalse();
		assertThat(req("dev.sev", Op.NE, "absent").matches(Map.of("dev.sev", "absent"))).isTrue();
		assertThat(req("dev.sev", Op.EQ, "absent").mismatch(Map.of("dev.sev", "absent")))
			.isEqualTo("requires dev.sev=absent, host does not report dev.sev");
	}

	// ---- labels ----

	@Test
	void labelWithoutValueNeedsOnlyTheKey() {
		Requirements r = new Requirements(List.of(), List.of("coconut"));

		assertThat(r.matches(Map.of(), Map.of("coconut", ""))).isTrue();
		assertThat(r.matches(Map.of(), Map.of("coconut", "anything"))).isTrue();
		assertThat(r.matches(Map.of(), Map.of("other", "coconut"))).isFalse();
		assertThat(r.matches(Map.of(), null)).isFalse();
	}

	@Test
	void labelWithValueNeedsThatValue() {
		Requirements r = new Requirements(List.of(), List.of("rack=b2"));

		assertThat(r.matches(Map.of(), Map.of("rack", "b2"))).isTrue();
		assertThat(r.matches(Map.of(), Map.of("rack", "b3"))).isFalse();
		assertThat(r.matches(Map.of(), Map.of("rack=b2", ""))).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "a b", "=x", "a=", "-a" })
	void rejectsMalformedLabels(String label) {
		assertThatThrownBy(() -> new Requirements(List.of(), List.of(label)))
			.isInstanceOf(IllegalArgumentException.class);
	}

	// ---- mismatch reasons ----

	@Test
	void matchesAHostThatHasEverything() {
		assertThat(EXAMPLE.matches(GENOA_HOST, Map.of("coconut", ""))).isTrue();
		assertThat(EXAMPLE.mismatch(GENOA_HOST, Map.of("coconut", ""))).isEmpty();
	}

	@Test
	void explainsTheFirstMismatch() {
		Map<String, String> milan = new HashMap<>(GENOA_HOST);
		milan.put("cpu.generation", "milan");
		Map<String, String> oldQemu = new HashMap<>(GENOA_HOST);
		oldQemu.put("qemu.version", "9.2.0");
		Map<String, String> noSnp = new HashMap<>(GENOA_HOST);
		noSnp.remove("sev_snp");
		noSnp.put("cpu.generation", "milan");

		assertThat(EXAMPLE.mismatch(milan, Map.of("coconut", "")))
			.contains("requires cpu.generation one of [genoa, turin], host has milan");
		assertThat(EXAMPLE.mismatch(oldQemu, Map.of("coconut", ""))).contains("requires qemu.version>=11.0, host has 9.2.0");
		assertThat(EXAMPLE.mismatch(noSnp, Map.of("coconut", "")))
			.contains("requires sev_snp=true, host does not report sev_snp");
		assertThat(EXAMPLE.mismatch(GENOA_HOST, Map.of())).contains("requires label coconut");
		assertThat(new Requirements(List.of(), List.of("rack=b2")).mismatch(Map.of(), Map.of("rack", "b3")))
			.contains("requires label rack=b2, host has rack=b3");
		assertThat(EXAMPLE.matches(milan, Map.of("coconut", ""))).isFalse();
	}

	@Test
	void noRequirementsMatchEveryHost() {
		assertThat(Requirements.none().mismatch(Map.of(), Map.of())).isEqualTo(Optional.empty());
		assertThat(Requirements.none().matches(null, null)).isTrue();
		assertThat(Requirements.none().describe()).isEqualTo("any host");
	}

	// ---- describe ----

	@Test
	void describesRequirementsForHumans() {
		assertThat(EXAMPLE.describe())
			.isEqualTo("sev_snp=true, cpu.generation in [genoa, turin], qemu.version>=11.0, labels [coconut]");
		assertThat(req("dev.sev", Op.NE, "false").describe()).isEqualTo("dev.sev!=false");
		assertThat(req("cpus", Op.LT, "64").describe()).isEqualTo("cpus<64");
	}

	// ---- JSON ----

	@Test
	void writesCanonicalJson() {
		assertThat(EXAMPLE.toJson()).isEqualTo("{\"facts\":["
				+ "{\"fact\":\"cpu.generation\",\"op\":\"ONE_OF\",\"values\":[\"genoa\",\"turin\"]},"
				+ "{\"fact\":\"qemu.version\",\"op\":\"GE\",\"values\":[\"11.0\"]},"
				+ "{\"fact\":\"sev_snp\",\"op\":\"EQ\",\"values\":[\"true\"]}],\"labels\":[\"coconut\"]}");
		assertThat(Requirements.none().toJson()).isEqualTo("{\"facts\":[],\"labels\":[]}");
	}

	@Test
	void sameRequirementsInDifferentOrderGiveIdenticalJson() {
		Requirements reordered = new Requirements(
				List.of(req("qemu.version", Op.GE, "11.0"), req("cpu.generation", Op.ONE_OF, "turin", "genoa", "turin"),
						req("sev_snp", Op.EQ, "true")),
				List.of("zz", "coconut", "zz"));
		Requirements original = new Requirements(EXAMPLE.facts(), List.of("coconut", "zz"));

		assertThat(reordered.toJson()).isEqualTo(original.toJson());
		assertThat(reordered.toJson()).isNotEqualTo(EXAMPLE.toJson());
	}

	@Test
	void roundTripsThroughJson() {
		Requirements tricky = new Requirements(List.of(req("x.quote", Op.EQ, "a\"b\\c\n\u00e9"),
				req("kernel.release", Op.NE, "6.8.0-45-generic"), req("cpus", Op.LE, "64"), req("a", Op.LT, "1"),
				req("b", Op.GT, "2")), List.of("rack=b2", "coconut"));

		for (Requirements r : List.of(EXAMPLE, tricky, Requirements.none())) {
			Requirements back = Requirements.fromJson(r.toJson());
			assertThat(back.toJson()).isEqualTo(r.toJson());
			assertThat(back.describe()).isEqualTo(new Requirements(sorted(r.facts()), sortedLabels(r.labels())).describe());
			assertThat(back.matches(GENOA_HOST, Map.of("coconut", ""))).isEqualTo(r.matches(GENOA_HOST, Map.of("coconut", "")));
		}
		assertThat(Requirements.fromJson(EXAMPLE.toJson()).facts()).containsExactlyInAnyOrderElementsOf(EXAMPLE.facts());
	}

	static List<Requirement> sorted(List<Requirement> rs) {
		return rs.stream().sorted(java.util.Comparator.comparing(Requirement::fact)).toList();
	}

	static List<String> sortedLabels(List<String> ls) {
		return ls.stream().sorted().distinct().toList();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "not json", "[]", "{\"facts\":{}}", "{\"facts\":[{\"fact\":\"x\",\"op\":\"ABOUT\",\"values\":[\"1\"]}]}",
			"{\"facts\":[{\"fact\":\"Bad-Name\",\"op\":\"EQ\",\"values\":[\"1\"]}]}",
			"{\"facts\":[{\"fact\":\"x\",\"op\":\"EQ\",\"values\":[]}]}", "{\"facts\":[{\"fact\":\"x\",\"op\":\"EQ\",\"values\":[1]}]}",
			"{\"labels\":[\"a b\"]}" })
	void rejectsMalformedJson(String json) {
		assertThatThrownBy(() -> Requirements.fromJson(json)).isInstanceOf(IllegalArgumentException.class);
	}

	// ---- Requirement invariants ----

	@Test
	void normalisesOneOfValues() {
		assertThat(req("g", Op.ONE_OF, "turin", "genoa", "turin").values()).containsExactly("genoa", "turin");
		assertThat(req("g", Op.ONE_OF, "genoa")).isEqualTo(req("g", Op.EQ, "genoa"));
	}

	@Test
	void rejectsInvalidRequirements() {
		assertThatThrownBy(() -> req("Bad-Name", Op.EQ, "1")).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> req("x", Op.EQ, "1", "2")).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> req("x", Op.ONE_OF)).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> req("x", Op.GE)).isInstanceOf(IllegalArgumentException.class);
	}
}
