package org.snplab.agent.worker;

import java.io.IOException;
import java.nio.file.Path;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.RefSpec;

/** Clones a job's repository into its workspace and checks out the job's commit, detached. */
final class Checkout {

	private Checkout() {
	}

	/** Throws with a message fit for the job's finish reason. */
	static void run(String repository, String commit, Path workspace) throws IOException {
		try (Git git = Git.cloneRepository()
			.setURI(repository)
			.setDirectory(workspace.toFile())
			.setCloneSubmodules(false)
			.setNoCheckout(true)
			.call()) {
			ObjectId id = resolve(git, commit);
			if (id == null) {
				// Not on any branch (a pull request head, say): ask for the commit itself, which most servers allow.
				try {
					git.fetch().setRefSpecs(new RefSpec(commit + ":refs/snplab/commit")).call();
					id = resolve(git, commit);
				}
				catch (GitAPIException | RuntimeException e) {
					// the answer to "not found" below says more than "want ... not valid"
				}
			}
			if (id == null) {
				throw new IOException("commit " + commit + " not found in " + repository);
			}
			git.checkout().setName(id.name()).call();
		}
		catch (GitAPIException | RuntimeException e) {
			throw new IOException(e.getMessage(), e);
		}
	}

	private static ObjectId resolve(Git git, String commit) {
		try {
			return git.getRepository().resolve(commit + "^{commit}");
		}
		catch (IOException | RuntimeException e) {
			return null;
		}
	}
}
