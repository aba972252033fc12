package org.snplab.pipeline;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code roles:} and {@code same:}: a job of several hosts at once, one job per role. */
class PipelineRolesUnitTests {

	private static final String LIVE_MIGRATION = """
			jobs:
			  live-migration:
			    requires: { sev_snp: true, qemu.version: ">=9.0" }
			    same: [cpu.generation, snp.firmware]
			    resources: { memory: 8G }
			    env: { GUEST: svsm, MODE: fast }
			    timeout: 20m
			    roles:
			      source:      { steps: [ "./scripts/migrate.sh --source" ] }
			      destination:
			        steps: [ "./scripts/migrate.sh --destination" ]
			        requires: { qemu.version: ">=10.0" }
			        resources: { cpus: 4 }
			        env: { MODE: slow }
			  lint: { steps: [ make lint ] }
			""";

	@Test
	void eachRoleIsAJobNamedAfterTheJobAndTheRole() throws PipelineException {
		List<JobSpec> jobs = PipelineParser.parse(LIVE_MIGRATION).jobs();

		assertThat(jobs).extracting(JobSpec::name).containsExactly("live-migration/source",
				"live-migration/destination", "lint");
		JobSpec source = jobs.get(0);
		assertThat(source.gang()).isEqualTo(new JobSpec.Gang("live-migration", "source", List.of("source", "destination"),
				List.of("cpu.generation", "snp.firmware")));
		assertThat(jobs.get(1).gang().role()).isEqualTo("destination");
		assertThat(jobs.get(2).gang()).isNull();
	}

	@Test
	void aRoleInheritsTheJobAndOverridesWhatItGives() throws PipelineException {
		List<JobSpec> jobs = PipelineParser.parse(LIVE_MIGRATION).jobs();
		JobSpec source = jobs.get(0);
		JobSpec destination = jobs.get(1);

		assertThat(source.steps()).containsExactly("./scripts/migrate.sh --source");
		assertThat(source.requires().describe()).isEqualTo("sev_snp=true, qemu.version>=9.0");
		assertThat(destination.requires().describe()).isEqualTo("sev_snp=true, qemu.version>=10.0");
		assertThat(source.memoryMb()).isEqualTo(8192);
		assertThat(source.cpus()).isNull();
		assertThat(destination.memoryMb()).isEqualTo(8192);
		assertThat(destination.cpus()).isEqualTo(4);
		assertThat(source.env()).isEqualTo(Map.of("GUEST", "svsm", "MODE", "fast"));
		assertThat(destination.env()).isEqualTo(Map.of("GUEST", "svsm", "MODE", "slow"));
		assertThat(destination.timeout()).hasMinutes(20);
	}

	@Test
	void theHostsShareTheCpuGenerationUnlessTheJobSaysOtherwise() throws PipelineException {
		JobSpec role = PipelineParser.parse("""
				jobs:
				  pair:
				    steps: [ ./run.sh ]
				    roles: { a: {}, b: ~ }
				""").jobs().get(0);

		assertThat(role.gang().same()).containsExactly("cpu.generation");
		assertThat(role.steps()).containsExactly("./run.sh");
	}

	@Test
	void aJobOfOneRoleIsRefusedWithItsLine() {
		assertThatThrownBy(() -> PipelineParser.parse("""
				jobs:
				  pair:
				    roles:
				      source: { steps: [ ./run.sh ] }
				"""))
			.hasMessage(".snplab.yml line 3: `roles` of job `pair` needs at least 2 roles (a job of one host needs no `roles`), got 1");
	}

	@Test
	void aRoleWithoutStepsIsRefusedNamingTheRole() {
		assertThatThrownBy(() -> PipelineParser.parse("""
				jobs:
				  pair:
				    roles:
				      source: { steps: [ ./run.sh ] }
				      destination: { requires: { sev_snp: true } }
				"""))
			.hasMessage(".snplab.yml line 5: role `destination` of job `pair` needs `steps`, its own or the job's");
	}

	@Test
	void unknownRoleKeysBadRoleNamesAndBadFactsAreRefused() {
		assertThatThrownBy(() -> PipelineParser.parse("""
				jobs:
				  pair:
				    steps: [ ./run.sh ]
				    roles:
				      source: { timeout: 5m }
				      destination: {}
				"""))
			.hasMessageStartingWith(".snplab.yml line 5: unknown key `timeout` in role `source` of job `pair`");
		assertThatThrownBy(() -> PipelineParser.parse("""
				jobs:
				  pair:
				    steps: [ ./run.sh ]
				    roles: { Source: {}, destination: {} }
				"""))
			.hasMessageStartingWith(".snplab.yml line 4: role name `Source` of job `pair` must start with a lower case");
		assertThatThrownBy(() -> PipelineParser.parse("""
				jobs:
				  pair:
				    steps: [ ./run.sh ]
				    same: [ CPU-Generation ]
				    roles: { source: {}, destination: {} }
				"""))
			.hasMessage(".snplab.yml line 4: `same` names fact `CPU-Generation`, but fact names are lower case letters, "
					+ "digits, `_` and `.`, starting with a letter; did you mean `cpu.generation`?");
	}

	@Test
	void sameWithoutRolesIsRefused() {
		assertThatThrownBy(() -> PipelineParser.parse("""
				jobs:
				  build:
				    steps: [ make ]
				    same: [ cpu.generation ]
				"""))
			.hasMessage(".snplab.yml line 4: `same` in job `build` names facts its hosts share, so it needs `roles` "
					+ "(a job of several hosts)");
	}

	@Test
	void rolesMustBeAMapping() {
		assertThatThrownBy(() -> PipelineParser.parse("""
				jobs:
				  pair:
				    steps: [ ./run.sh ]
				    roles: [ source, destination ]
				"""))
			.hasMessageStartingWith(".snplab.yml line 4: `roles` of job `pair` must be a mapping of role name to role");
	}
}
