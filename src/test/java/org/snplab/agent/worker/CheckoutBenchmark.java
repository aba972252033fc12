package org.snplab.agent.worker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.eclipse.jgit.util.FileUtils;
import org.junit.jupiter.api.Test;
import org.snplab.git.GitUrlRewrites;
import org.snplab.support.Fixtures;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job at a new commit on a warm host: snplab's checkout (mirror fetch + alternates workspace + JGit checkout)
 * against git's own {@code fetch} + {@code clone --shared} + {@code checkout}, side by side in one run on the same
 * commits of COCONUT-SVSM's real history (the fixture bundle of its {@code main}). Both start from a mirror already
 * holding {@code main~STEPS*STRIDE}; then, one commit at a time, the origin's {@code main} moves {@code STRIDE}
 * commits on and each checks the new head out into a fresh workspace. Submodules are left out of both (their
 * repositories aren't in the bundle). Run with {@code mvn -B -Pbenchmark test -Dtest=CheckoutBenchmark}; prints a
 * table and writes it to {@code target/benchmarks/checkout.md}.
 */
class CheckoutBenchmark {

	private static final int STEPS = 8;

	private static final int STRIDE = 5;

	@Test
	void snplabsCheckoutAgainstGitsOwn() throws Exception {
		Path root = Files.createTempDirectory("checkout-benchmark");
		try {
			run(root);
		}
		finally {
			FileUtils.delete(root.toFile(), FileUtils.RECURSIVE | FileUtils.IGNORE_ERRORS);
		}
	}

	private void run(Path root) throws Exception {
		Path origin = root.resolve("svsm.git");
		git(root, "clone", "-q", "--bare", Fixtures.path("svsm/coconut-svsm.bundle").toString(), origin.toString());
		String head = git(origin, "rev-parse", "main");
		List<String> commits = new ArrayList<>();
		for (int i = STEPS; i >= 0; i--) {
			commits.add(git(origin, "rev-parse", "main~" + (i * STRIDE)));
		}
		String url = origin.toUri().toString();
		// Warm: each side's mirror holds the oldest commit.
		git(origin, "update-ref", "refs/heads/main", commits.get(0));
		Path work = root.resolve("snplab-work");
		Checkout.run(work, url, commits.get(0), root.resolve("warm-snplab"), Checkout.Submodules.NONE, GitUrlRewrites.NONE);
		Path gitMirror = root.resolve("git-mirror.git");
		git(root, "clone", "-q", "--mirror", url, gitMirror.toString());

		StringBuilder table = new StringBuilder("| commit | snplab ms | git ms | snplab / git |\n|---|---|---|---|\n");
		long[] snplab = new long[STEPS];
		long[] gitOwn = new long[STEPS];
		for (int i = 1; i <= STEPS; i++) {
			String commit = commits.get(i);
			git(origin, "update-ref", "refs/heads/main", commit);

			long start = System.nanoTime();
			Path snplabWorkspace = root.resolve("snplab-" + i);
			Checkout.run(work, url, commit, snplabWorkspace, Checkout.Submodules.NONE, GitUrlRewrites.NONE);
			snplab[i - 1] = (System.nanoTime() - start) / 1_000_000;

			start = System.nanoTime();
			Path gitWorkspace = root.resolve("git-" + i);
			git(gitMirror, "fetch", "-q", "origin", commit); // the commit, as snplab fetches it
			git(root, "clone", "-q", "--shared", "--no-checkout", gitMirror.toString(), gitWorkspace.toString());
			git(gitWorkspace, "checkout", "-q", "--detach", commit);
			gitOwn[i - 1] = (System.nanoTime() - start) / 1_000_000;

			assertThat(git(snplabWorkspace, "rev-parse", "HEAD")).isEqualTo(commit);
			assertThat(git(snplabWorkspace, "status", "--porcelain")).as("snplab's workspace is clean").isEmpty();
			table.append("| ").append(commit, 0, 12).append(" | ").append(snplab[i - 1]).append(" | ")
				.append(gitOwn[i - 1]).append(" | ")
				.append(String.format(java.util.Locale.ROOT, "%.2f", snplab[i - 1] / (double) Math.max(1, gitOwn[i - 1])))
				.append(" |\n");
		}
		git(origin, "update-ref", "refs/heads/main", head);
		long snplabMedian = median(snplab);
		long gitMedian = median(gitOwn);
		table.append("| **median** | **").append(snplabMedian).append("** | **").append(gitMedian).append("** | **")
			.append(String.format(java.util.Locale.ROOT, "%.2f", snplabMedian / (double) Math.max(1, gitMedian)))
			.append("** |\n");
		System.out.println(table);
		Files.createDirectories(Path.of("target/benchmarks"));
		Files.writeString(Path.of("target/benchmarks/checkout.md"), table);
	}

	private static long median(long[] values) {
		long[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

	private static String git(Path dir, String... args) throws Exception {
		List<String> command = new ArrayList<>(List.of("git"));
		command.addAll(List.of(args));
		Process git = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
		String out = new String(git.getInputStream().readAllBytes()).stripTrailing();
		assertThat(git.waitFor()).as("git " + String.join(" ", args) + ": " + out).isZero();
		return out;
	}
}
