package org.snplab.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.revwalk.RevCommit;

/** Real git repositories on disk, made with JGit, for tests to fetch from with {@code file://} URLs. */
public final class TestRepositories {

	private final Path directory;

	private TestRepositories(Path directory) {
		this.directory = directory;
	}

	public static TestRepositories init(Path directory) {
		try (Git git = Git.init().setDirectory(directory.toFile()).setInitialBranch("main").call()) {
			return new TestRepositories(directory);
		}
		catch (GitAPIException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public String url() {
		return directory.toUri().toString();
	}

	/** Writes the files and commits them on the current branch; returns the commit id. */
	public String commit(String message, Map<String, String> files) {
		try (Git git = Git.open(directory.toFile())) {
			for (Map.Entry<String, String> file : files.entrySet()) {
				Path path = directory.resolve(file.getKey());
				Files.createDirectories(path.getParent());
				Files.writeString(path, file.getValue());
				if (file.getKey().endsWith(".sh")) {
					path.toFile().setExecutable(true);
				}
			}
			git.add().addFilepattern(".").call();
			RevCommit commit = git.commit().setMessage(message).setAuthor("Test", "test@example.org")
				.setCommitter("Test", "test@example.org").call();
			return commit.name();
		}
		catch (IOException | GitAPIException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
