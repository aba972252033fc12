package org.snplab.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.snplab.agent.TestAgents.fastAgent;
import static org.snplab.agent.TestAgents.job;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.util.FileUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.protocol.AgentProtocol.Finish;

/**
 * A host clones a repository once into its mirror (WORK_DIR/mirrors) and checks out every job from it: a real agent
 * in-process, real git repositories, real steps.
 */
class CheckoutMirrorIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@TempDir
	Path tmp;

	private FakeSnplabServer server;

	private Agent agent;

	private Path origin;

	private GitFixtures.Repo repo;

	@BeforeEach
	void start() throws Exception {
		server = new FakeSnplabServer();
		origin = tmp.resolve("origin");
		repo = GitFixtures.oneCommit(origin);
		agent = new Agent(fastAgent(server, tmp.resolve("work")));
		assertThat(agent.start()).isZero();
	}

	@AfterEach
	void stop() {
		agent.stop();
		server.close();
	}

	@Test
	void aCommitTheMirrorHoldsIsCheckedOutWithoutTheOriginAndNewCommitsAreFetched() throws Exception {
		server.enqueue(job(1, repo, "cat README.md", "git cat-file -t HEAD"));
		assertThat(server.awaitFinish(1, WAIT)).isEqualTo(new Finish("passed", "", 0));
		assertThat(server.log(1)).contains("snplab test repository").contains("commit");

		Path away = tmp.resolve("origin-away");
		Files.move(origin, away);
		server.enqueue(job(2, repo, "cat README.md"));
		assertThat(server.awaitFinish(2, WAIT)).as("the origin is gone: checked out from the mirror")
			.isEqualTo(new Finish("passed", "", 0));

		Files.move(away, origin);
		GitFixtures.Repo second = new GitFixtures.Repo(repo.url(), commit(origin, "README.md", "second version\n"));
		server.enqueue(job(3, second, "cat README.md", "test ! -e .git/objects/pack/*.pack", "cat .git/objects/info/alternates"));
		assertThat(server.awaitFinish(3, WAIT)).isEqualTo(new Finish("passed", "", 0));
		assertThat(server.log(3)).as("the new commit, its objects borrowed from the mirror, not copied")
			.contains("second version").contains(tmp.resolve("work").resolve("mirrors").toString());
	}

	@Test
	void anUnreachableOriginFailsTheCheckoutButKeepsTheMirror() throws Exception {
		server.enqueue(job(1, repo, "true"));
		assertThat(server.awaitFinish(1, WAIT).result()).isEqualTo("passed");
		String unknown = commit(origin, "README.md", "not fetched yet\n");
		FileUtils.delete(origin.toFile(), FileUtils.RECURSIVE);

		server.enqueue(job(2, new GitFixtures.Repo(repo.url(), unknown), "true"));
		Finish failed = server.awaitFinish(2, WAIT);

		assertThat(failed.result()).isEqualTo("infra_error");
		assertThat(failed.reason()).startsWith("checkout failed:");
		server.enqueue(job(3, repo, "cat README.md"));
		assertThat(server.awaitFinish(3, WAIT).result()).as("the mirror still holds the first commit").isEqualTo("passed");
	}

	@Test
	void aMirrorLeftBrokenByAKilledFetchIsRepairedAndItsStaleLocksRemoved() throws Exception {
		server.enqueue(job(1, repo, "true"));
		assertThat(server.awaitFinish(1, WAIT).result()).isEqualTo("passed");
		Path mirror = onlyMirror();
		Files.writeString(mirror.resolve("packed-refs.lock"), "");
		try (Stream<Path> files = Files.walk(mirror.resolve("objects"))) {
			for (Path file : files.filter(Files::isRegularFile).toList()) {
				Files.write(file, new byte[] { 1, 2, 3 }); // every object and pack unreadable
			}
		}
		String next = commit(origin, "README.md", "after the crash\n");

		server.enqueue(job(2, new GitFixtures.Repo(repo.url(), next), "cat README.md"));

		assertThat(server.awaitFinish(2, WAIT)).isEqualTo(new Finish("passed", "", 0));
		assertThat(server.log(2)).contains("after the crash");
		assertThat(mirror.resolve("packed-refs.lock")).doesNotExist();
	}

	private Path onlyMirror() throws Exception {
		try (Stream<Path> mirrors = Files.list(tmp.resolve("work").resolve("mirrors"))) {
			return mirrors.toList().stream().reduce((a, b) -> {
				throw new AssertionError("more than one mirror: " + a + ", " + b);
			}).orElseThrow();
		}
	}

	private static String commit(Path repository, String file, String content) throws Exception {
		try (Git git = Git.open(repository.toFile())) {
			Files.writeString(repository.resolve(file), content);
			git.add().addFilepattern(file).call();
			RevCommit commit = git.commit()
				.setMessage("change " + file)
				.setAuthor("Test", "test@example.org")
				.setCommitter("Test", "test@example.org")
				.setSign(false)
				.call();
			return commit.getName();
		}
	}
}
