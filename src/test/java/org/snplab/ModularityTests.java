package org.snplab;

import java.nio.file.Path;

import com.tngtech.archunit.core.domain.JavaClass;
import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The modules (top-level packages) depend on each other only through their APIs and without cycles; the module
 * diagram in {@code docs/modules/} is written from the same model.
 */
class ModularityTests {

	// The launcher picks the role (server or agent) from the command line, so it calls into the agent module; it
	// belongs to neither, and counting it as the root package's would make every module's use of that package a cycle.
	private static final ApplicationModules MODULES = ApplicationModules.of(SnplabApplication.class,
			JavaClass.Predicates.equivalentTo(SnplabApplication.class));

	@Test
	void modulesUseEachOtherOnlyThroughTheirApis() {
		MODULES.verify();
	}

	@Test
	void writesTheModuleDiagramOfEveryModule() {
		new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder("docs/modules"))
			.writeModulesAsPlantUml()
			.writeIndividualModulesAsPlantUml()
			.writeModuleCanvases();
		assertThat(Path.of("docs/modules/components.puml")).content().contains("Queue", "Hosts", "Github", "Web");
		MODULES.forEach(module -> assertThat(Path.of("docs/modules/module-" + module.getIdentifier() + ".puml"))
			.content()
			.contains(module.getDisplayName()));
	}
}
