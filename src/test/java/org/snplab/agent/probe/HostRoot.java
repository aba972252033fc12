package org.snplab.agent.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Builds a fake host root (ROOT/proc, ROOT/sys, ROOT/commands) in a temp dir from the shared real fixtures. */
final class HostRoot {

	/** shared/ is always a sibling of the checkout; tests run with cwd = project root. */
	static final Path FIXTURES = Path.of("..", "shared", "fixtures", "hosts");

	final Path root;

	HostRoot(Path root) {
		this.root = root;
	}

	static Path fixture(String name) {
		Path file = FIXTURES.resolve(name);
		assertThat(file).as("fixture missing - is ../shared/fixtures checked out?").isRegularFile();
		return file;
	}

	HostRoot cpuinfo(String fixture) {
		return copy(fixture, "proc/cpuinfo");
	}

	HostRoot command(String name, String fixture) {
		return copy(fixture, "commands/" + name);
	}

	/** kvm_amd parameters as sysfs shows them, e.g. sev=Y, sev_snp=N. */
	HostRoot params(String sev, String sevEs, String sevSnp) {
		return write("sys/module/kvm_amd/parameters/sev", sev + "\n")
			.write("sys/module/kvm_amd/parameters/sev_es", sevEs + "\n")
			.write("sys/module/kvm_amd/parameters/sev_snp", sevSnp + "\n");
	}

	HostRoot write(String relative, String text) {
		try {
			Path target = root.resolve(relative);
			Files.createDirectories(target.getParent());
			Files.writeString(target, text);
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private HostRoot copy(String fixture, String relative) {
		try {
			Path target = root.resolve(relative);
			Files.createDirectories(target.getParent());
			Files.copy(fixture(fixture), target);
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	Map<String, String> probe() {
		return new HostProbe(root).probe();
	}
}
