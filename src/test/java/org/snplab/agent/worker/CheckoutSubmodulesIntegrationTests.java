package org.snplab.agent.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jgit.util.FileUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.agent.worker.Checkout.Submodules;
import org.snplab.git.GitUrlRewrites;
import org.snplab.git.GitUrlRewrites.Rewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Submodules checked out at the commits the superproject pins, through the host's mirrors, with .gitmodules naming
 * GitHub URLs that the lab rewrites to local repositories (as COCONUT-SVSM's name github.com). Real repositories
 * made with the real git, checked out by the agent's JGit code.
 */
class CheckoutSubmodulesIntegrationTests {

	private static final String GITHUB = "https://github.com/example/";

	@TempDir
	Path tmp;

	private Path origins;

	private GitUrlRewrites toLocal;

	private String pinnedLib;

	private String superCommit;

	@BeforeEach
	void repositories() throws Exception {
		origins = Files.createDirectories(tmp.resolve("origins"));
		toLocal = new GitUrlRewrites(List.of(new Rewrite(GITHUB, origins.toUri().toString())));
		// tpm: a leaf repository; lib: pins tpm as its own submodule; svsm: pins lib (by GitHub URL) and, relative
		// to its own URL, tools.
		repository("tpm", "tpm.txt", "tpm at its pinned commit\n");
		repository("lib", "lib.txt", "lib at its pinned commit\n");
		addSubmodule("lib", GITHUB + "tpm.git", "deps/tpm");
		pinnedLib = git(origins.resolve("lib.git"), "rev-parse", "HEAD");
		repository("tools", "tools.txt", "tools\n");
		repository("svsm", "README.md", "svsm\n");
		addSubmodule("svsm", GITHUB + "lib.git", "libtcgtpm/deps/lib");
		addSubmodule("svsm", "../tools.git", "tools");
		superCommit = git(origins.resolve("svsm.git"), "rev-parse", "HEAD");
		// A later commit of lib that svsm doesn't pin: the checkout must not take it.
		commit("lib", "lib.txt", "lib moved on\n");
	}

	@Test
	void eachSubmoduleIsCheckedOutAtThePinnedCommitAndRelativeUrlsFollowTheSuperproject() throws Exception {
		Path workspace = tmp.resolve("ws");

		Checkout.run(tmp.resolve("work"), GITHUB + "svsm.git", superCommit, workspace, Submodules.TOP_LEVEL, toLocal);

		assertThat(workspace.resolve("libtcgtpm/deps/lib/lib.txt")).hasContent("lib at its pinned commit");
		assertThat(git(workspace.resolve("libtcgtpm/deps/lib"), "rev-parse", "HEAD")).isEqualTo(pinnedLib);
		assertThat(workspace.resolve("tools/tools.txt")).hasContent("tools");
		assertThat(workspace.resolve("libtcgtpm/deps/lib/deps/tpm")).as("not recursive").isEmptyDirectory();
		// git itself sees every submodule at the commit the superproject records (no '+' or '-' in front).
		assertThat(git(workspace, "submodule", "status")).contains(" " + pinnedLib + " libtcgtpm/deps/lib");
		assertThat(Files.list(tmp.resolve("work/mirrors")).map(p -> p.getFileName().toString()).sorted())
			.hasSize(3)
			.anyMatch(name -> name.startsWith("lib-"))
			.anyMatch(name -> name.startsWith("tools-"));
	}

	@Test
	void recursiveTakesTheSubmodulesOfSubmodulesAndNoneLeavesThemEmpty() throws Exception {
		Path recursive = tmp.resolve("recursive");
		Checkout.run(tmp.resolve("work"), GITHUB + "svsm.git", superCommit, recursive, Submodules.RECURSIVE, toLocal);
		assertThat(recursive.resolve("libtcgtpm/deps/lib/deps/tpm/tpm.txt")).hasContent("tpm at its pinned commit");

		Path none = tmp.resolve("none");
		Checkout.run(tmp.resolve("work"), GITHUB + "svsm.git", superCommit, none, Submodules.NONE, toLocal);
		assertThat(none.resolve("README.md")).exists();
		assertThat(none.resolve("libtcgtpm/deps/lib")).isEmptyDirectory();
	}

	@Test
	void aSecondJobFetchesNothingSubmodulesCheckOutWithEveryOriginGone() throws Exception {
		Checkout.run(tmp.resolve("work"), GITHUB + "svsm.git", superCommit, tmp.resolve("first"), Submodules.RECURSIVE, toLocal);

		FileUtils.delete(origins.toFile(), FileUtils.RECURSIVE);
		Path second = tmp.resolve("second");
		Checkout.run(tmp.resolve("work"), GITHUB + "svsm.git", superCommit, second, Submodules.RECURSIVE, toLocal);

		assertThat(second.resolve("libtcgtpm/deps/lib/lib.txt")).hasContent("lib at its pinned commit");
		assertThat(second.resolve("libtcgtpm/deps/lib/deps/tpm/tpm.txt")).exists();
	}

	@Test
	void aSubmoduleThatCantBeFetchedIsNamedWithItsUrlAndCommit() throws Exception {
		String tpmCommit = git(origins.resolve("tpm.git"), "rev-parse", "HEAD");
		FileUtils.delete(origins.resolve("tpm.git").toFile(), FileUtils.RECURSIVE);

		assertThatThrownBy(() -> Checkout.run(tmp.resolve("work"), GITHUB + "svsm.git", superCommit, tmp.resolve("ws"),
				Submodules.RECURSIVE, toLocal))
			.isInstanceOf(IOException.class)
			.hasMessageStartingWith("submodule libtcgtpm/deps/lib/deps/tpm: commit " + tpmCommit + " from "
					+ origins.toUri() + "tpm.git: ");
	}

	@Test
	void theLongestMatchingRewriteWinsAsWithGitsInsteadOf() {
		GitUrlRewrites rewrites = new GitUrlRewrites(List.of(new Rewrite("https://github.com/", "file:///all/"),
				new Rewrite("https://github.com/coconut-svsm/", "file:///coconut/")));

		assertThat(rewrites.apply("https://github.com/coconut-svsm/svsm.git")).isEqualTo("file:///coconut/svsm.git");
		assertThat(rewrites.apply("https://github.com/openssl/openssl.git")).isEqualTo("file:///all/openssl/openssl.git");
		assertThat(rewrites.apply("https://gitlab.com/x.git")).isEqualTo("https://gitlab.com/x.git");
		assertThatThrownBy(() -> Rewrite.parse("no-equals-sign")).hasMessageContaining("FROM=TO");
	}

	private void repository(String name, String file, String content) throws Exception {
		Path dir = Files.createDirectories(origins.resolve(name + ".git"));
		git(dir, "init", "-q", "-b", "main");
		commit(name, file, content);
	}

	private void commit(String name, String file, String content) throws Exception {
		Path dir = origins.resolve(name + ".git");
		Files.writeString(dir.resolve(file), content);
		git(dir, "add", file);
		git(dir, "commit", "-q", "-m", "change " + file);
	}

	/** Adds the submodule from its local origin, then records the URL as the project would (GitHub, or relative). */
	private void addSubmodule(String into, String url, String path) throws Exception {
		Path dir = origins.resolve(into + ".git");
		String local = toLocal.apply(url.startsWith("../") ? GITHUB + url.substring(3) : url);
		git(dir, "-c", "protocol.file.allow=always", "submodule", "add", "-q", local, path);
		git(dir, "config", "-f", ".gitmodules", "submodule." + path + ".url", url);
		git(dir, "add", ".gitmodules");
		git(dir, "commit", "-q", "-m", "add " + path);
	}

	private static String git(Path dir, String... args) throws Exception {
		List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
				"-c", "commit.gpgsign=false"));
		command.addAll(List.of(args));
		Process git = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
		String out = new String(git.getInputStream().readAllBytes()).stripTrailing();
		assertThat(git.waitFor()).as("git " + String.join(" ", args) + ": " + out).isZero();
		return out;
	}
}
