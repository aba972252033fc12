package org.snplab.agent.worker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.agent.worker.Checkout.Submodules;
import org.snplab.git.GitUrlRewrites;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A checkout fetches what its job needs, the commit, not the repository's other branches, tags and pull requests
 * (COCONUT-SVSM has 1,200 pull request refs). Real repositories made with the real git.
 */
class CheckoutFetchIntegrationTests {

	@TempDir
	Path tmp;

	@Test
	void onlyTheJobsCommitIsFetchedNotOtherBranchesOrPullRequests() throws Exception {
		Path origin = Files.createDirectories(tmp.resolve("origin"));
		git(origin, "init", "-q", "-b", "main");
		String main = commit(origin, "README.md", "main\n");
		git(origin, "checkout", "-q", "-b", "other");
		String other = commit(origin, "other.txt", "another branch\n");
		git(origin, "checkout", "-q", "main");
		git(origin, "update-ref", "refs/pull/7/head", other);
		git(origin, "tag", "v1", other);

		Checkout.run(tmp.resolve("work"), origin.toUri().toString(), main, tmp.resolve("ws"), Submodules.NONE,
				GitUrlRewrites.NONE);

		Path mirror = Files.list(tmp.resolve("work/mirrors")).findFirst().orElseThrow();
		assertThat(git(mirror, "for-each-ref", "--format=%(refname)")).isEqualTo("refs/snplab/commits/" + main);
		assertThat(exists(mirror, other)).as("the other branch's commit").isFalse();
		assertThat(tmp.resolve("ws/README.md")).hasContent("main");
	}

	@Test
	void aPullRequestsHeadOnNoBranchIsFetchedByItsId() throws Exception {
		Path origin = Files.createDirectories(tmp.resolve("origin"));
		git(origin, "init", "-q", "-b", "main");
		commit(origin, "README.md", "main\n");
		git(origin, "checkout", "-q", "-b", "fork");
		String head = commit(origin, "fork.txt", "a fork's change\n");
		git(origin, "checkout", "-q", "main");
		git(origin, "update-ref", "refs/pull/9/head", head);
		git(origin, "branch", "-q", "-D", "fork");

		Checkout.run(tmp.resolve("work"), origin.toUri().toString(), head, tmp.resolve("ws"), Submodules.NONE,
				GitUrlRewrites.NONE);

		assertThat(tmp.resolve("ws/fork.txt")).hasContent("a fork's change");
	}

	private static boolean exists(Path repository, String object) throws Exception {
		Process git = new ProcessBuilder("git", "cat-file", "-e", object + "^{commit}").directory(repository.toFile())
			.redirectErrorStream(true).start();
		git.getInputStream().readAllBytes();
		return git.waitFor() == 0;
	}

	private static String commit(Path dir, String file, String content) throws Exception {
		Files.writeString(dir.resolve(file), content);
		git(dir, "add", file);
		git(dir, "commit", "-q", "-m", "change " + file);
		return git(dir, "rev-parse", "HEAD");
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
