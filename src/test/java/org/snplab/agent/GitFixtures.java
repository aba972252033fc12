package org.snplab.agent;

import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;

/** Real local repositories for checkout, made with JGit. */
public final class GitFixtures {

	/** A repository and the commit the tests check out. */
	public record Repo(String url, String commit) {
	}

	private GitFixtures() {
	}

	/** A repository at {@code dir} with one commit holding README.md. */
	public static Repo oneCommit(Path dir) throws Exception {
		try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
			Files.writeString(dir.resolve("README.md"), "snplab test repository\n");
			git.add().addFilepattern("README.md").call();
			RevCommit commit = git.commit()
				.setMessage("first")
				.setAuthor("Test", "test@example.org")
				.setCommitter("Test", "test@example.org")
				.setSign(false)
				.call();
			return new Repo(dir.toUri().toString(), commit.getName());
		}
	}
}
