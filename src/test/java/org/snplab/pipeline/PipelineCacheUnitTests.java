package org.snplab.pipeline;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code cache:}: keyed paths a host keeps between jobs, as COCONUT-SVSM's qemu.yml keeps its QEMU build. */
class PipelineCacheUnitTests {

	@Test
	void cachesKeepTheirKeyAsWrittenForTheAgentToExpand() throws PipelineException {
		Pipeline pipeline = PipelineParser.parse("""
				jobs:
				  qemu:
				    cache:
				      - key: "qemu-${QEMU_SHA}-${hashFiles('.github/workflows/qemu.yml')}"
				        paths: [ citests/qemu ]
				      - { key: igvm, paths: bin/igvm }
				    steps: [ make ]
				  plain:
				    steps: [ make ]
				""");

		assertThat(pipeline.jobs().get(0).caches()).containsExactly(
				new CacheSpec("qemu-${QEMU_SHA}-${hashFiles('.github/workflows/qemu.yml')}", List.of("citests/qemu")),
				new CacheSpec("igvm", List.of("bin/igvm")));
		assertThat(pipeline.jobs().get(1).caches()).isEmpty();
	}

	@Test
	void aCacheWithoutKeyOrPathsOrOutsideTheCheckoutIsRefusedWithItsLine() {
		assertThatThrownBy(() -> parse("      - { paths: [ out ] }"))
			.hasMessage(".snplab.yml line 4: each of `cache` needs a `key` and `paths`");
		assertThatThrownBy(() -> parse("      - { key: k, paths: [ ../qemu ] }"))
			.hasMessage(".snplab.yml line 4: `paths` entry `../qemu` must not contain `..`");
		assertThatThrownBy(() -> parse("      - { key: k, paths: [ /opt/qemu ] }"))
			.hasMessage(".snplab.yml line 4: `paths` entry `/opt/qemu` must be a path relative to the checkout");
		assertThatThrownBy(() -> parse("      - { key: \"${{ runner.os }}\", paths: [ out ] }"))
			.hasMessage(".snplab.yml line 4: a cache `key` may use ${VAR} and hashFiles('glob') only, got `${{ runner.os }}`");
		assertThatThrownBy(() -> parse("      - { key: \"k-${hashFiles(Cargo.lock)}\", paths: [ out ] }"))
			.hasMessage(".snplab.yml line 4: a cache `key` may use ${VAR} and hashFiles('glob') only, got `k-${hashFiles(Cargo.lock)}`");
		assertThatThrownBy(() -> parse("      - { key: k, paths: [ out ], restore-keys: [ k- ] }"))
			.hasMessage(".snplab.yml line 4: unknown key `restore-keys` in each of `cache` (expected one of key, paths)");
		assertThatThrownBy(() -> parse("      - { key: k, paths: [ .git ] }"))
			.hasMessage(".snplab.yml line 4: `cache` `paths` must not be the checkout itself or its .git, got `.git`");
	}

	private static Pipeline parse(String cacheEntry) throws PipelineException {
		return PipelineParser.parse("""
				jobs:
				  build:
				    cache:
				%s
				    steps: [ make ]
				""".formatted(cacheEntry));
	}
}
