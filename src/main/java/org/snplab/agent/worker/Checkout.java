package org.snplab.agent.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.errors.ConfigInvalidException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.submodule.SubmoduleWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.FileUtils;
import org.snplab.git.CloneUrls;
import org.snplab.git.GitUrlRewrites;

/**
 * Checks out a job's commit, detached, in its workspace. The host keeps a bare mirror of each repository under
 * WORK_DIR/mirrors, shared by its slots: a job fetches only what the mirror lacks (nothing, for a commit it has),
 * and its workspace borrows the mirror's objects (git alternates) instead of copying them. So a host clones
 * COCONUT-SVSM from GitHub once, not once per job.
 */
final class Checkout {

	private static final RefSpec BRANCHES = new RefSpec("+refs/heads/*:refs/heads/*");

	private static final RefSpec TAGS = new RefSpec("+refs/tags/*:refs/tags/*");

	/** Slots checking out other repositories don't wait for each other. */
	private static final Map<Path, Object> MIRROR_LOCKS = new ConcurrentHashMap<>();

	private Checkout() {
	}

	/** Which submodules a job checks out: {@code checkout: { submodules: ... }} in the pipeline. */
	enum Submodules {
		/** The superproject's own submodules, not theirs. The default when {@code .gitmodules} exists. */
		TOP_LEVEL,
		/** Submodules of submodules too. */
		RECURSIVE,
		/** None: their directories stay empty. */
		NONE;

		/** From the pipeline's {@code checkout.submodules}: true, recursive or false. */
		static Submodules of(String pipelineValue) {
			return switch (pipelineValue == null ? "true" : pipelineValue) {
				case "recursive" -> RECURSIVE;
				case "false" -> NONE;
				default -> TOP_LEVEL;
			};
		}
	}

	/** Throws with a message fit for the job's finish reason. */
	static void run(Path workDir, String repository, String commit, Path workspace) throws IOException {
		run(workDir, repository, commit, workspace, Submodules.TOP_LEVEL, GitUrlRewrites.NONE);
	}

	/**
	 * Checks out the commit and then each submodule at the commit the superproject pins, each through a mirror of
	 * its own URL (after the lab's rewrites), so submodules are fetched once per host and check out offline too.
	 */
	static void run(Path workDir, String repository, String commit, Path workspace, Submodules submodules,
			GitUrlRewrites rewrites) throws IOException {
		checkoutOne(workDir, rewrites.apply(repository), commit, workspace);
		if (submodules != Submodules.NONE) {
			checkoutSubmodules(workDir, workspace, submodules, rewrites, "");
		}
	}

	private static void checkoutOne(Path workDir, String repository, String commit, Path workspace) throws IOException {
		Path mirror = workDir.resolve("mirrors").resolve(mirrorName(repository)).toAbsolutePath();
		// One checkout at a time per mirror: JGit shares an alternate's repository object JVM-wide (RepositoryCache),
		// and a checkout must neither read it while a fetch changes it nor close it under another checkout.
		synchronized (MIRROR_LOCKS.computeIfAbsent(mirror, path -> new Object())) {
			fetchCommit(mirror, repository, commit);
			checkoutFrom(mirror, repository, commit, workspace);
		}
	}

	private static void checkoutSubmodules(Path workDir, Path superproject, Submodules mode, GitUrlRewrites rewrites,
			String prefix) throws IOException {
		List<Submodule> submodules = submodulesOf(superproject);
		for (Submodule submodule : submodules) {
			String url = rewrites.apply(submodule.url());
			try {
				checkoutOne(workDir, url, submodule.commit(), superproject.resolve(submodule.path()));
			}
			catch (IOException e) {
				throw new IOException("submodule " + prefix + submodule.path() + ": commit " + submodule.commit()
						+ " from " + url + ": " + e.getMessage(), e);
			}
			initialized(superproject, submodule, url);
			if (mode == Submodules.RECURSIVE) {
				checkoutSubmodules(workDir, superproject.resolve(submodule.path()), mode, rewrites,
						prefix + submodule.path() + "/");
			}
		}
	}

	/** Records the submodule as {@code git submodule init} does, so git in the steps sees it checked out. */
	private static void initialized(Path superproject, Submodule submodule, String url) throws IOException {
		try (Git git = Git.open(superproject.toFile())) {
			StoredConfig config = git.getRepository().getConfig();
			config.setString("submodule", submodule.name(), "url", url);
			config.setBoolean("submodule", submodule.name(), "active", true);
			config.save();
		}
	}

	/** A submodule as the checked-out superproject pins it: its path, URL (relative ones resolved) and commit. */
	private record Submodule(String name, String path, String url, String commit) {
	}

	private static List<Submodule> submodulesOf(Path superproject) throws IOException {
		if (!Files.isRegularFile(superproject.resolve(".gitmodules"))) {
			return List.of();
		}
		List<Submodule> found = new ArrayList<>();
		try (Git git = Git.open(superproject.toFile()); SubmoduleWalk walk = SubmoduleWalk.forIndex(git.getRepository())) {
			Repository repository = git.getRepository();
			while (walk.next()) {
				String url = walk.getModulesUrl();
				if (url == null) {
					throw new IOException("submodule " + walk.getPath() + " has no url in .gitmodules");
				}
				// "../openssl.git" is relative to the superproject's own URL, as git resolves it.
				found.add(new Submodule(walk.getModuleName(), walk.getPath(), SubmoduleWalk.getSubmoduleRemoteUrl(repository, url),
						walk.getObjectId().name()));
			}
		}
		catch (ConfigInvalidException | RuntimeException e) {
			throw new IOException("can't read .gitmodules: " + e.getMessage(), e);
		}
		return found;
	}

	private static void checkoutFrom(Path mirror, String repository, String commit, Path workspace) throws IOException {
		try (Git git = Git.init().setDirectory(workspace.toFile()).call()) {
			StoredConfig config = git.getRepository().getConfig();
			// The steps read this workspace: they get the URL without its credentials, the mirror keeps those.
			config.setString("remote", "origin", "url", CloneUrls.redact(repository));
			config.setString("remote", "origin", "fetch", "+refs/heads/*:refs/remotes/origin/*");
			config.save();
			Files.writeString(workspace.resolve(".git/objects/info/alternates"),
					mirror.resolve("objects").toAbsolutePath() + "\n", StandardCharsets.UTF_8);
		}
		catch (GitAPIException | RuntimeException e) {
			throw new IOException(e.getMessage(), e);
		}
		// Opened again so the object database sees the alternates written above.
		try (Git git = Git.open(workspace.toFile())) {
			try {
				git.checkout().setName(commit).call();
			}
			finally {
				// So closing the workspace closes the mirror too, and the next job reads it afresh.
				RepositoryCache.unregister(RepositoryCache.FileKey.exact(mirror.toFile(), FS.DETECTED));
			}
		}
		catch (GitAPIException | RuntimeException e) {
			throw new IOException(e.getMessage(), e);
		}
	}

	/** Makes the mirror hold the commit: fetched if it doesn't yet, made anew if it is broken. */
	private static void fetchCommit(Path mirror, String repository, String commit) throws IOException {
		try {
			fetchInto(mirror, repository, commit);
		}
		catch (TransportException | InvalidRemoteException unreachable) {
			// The remote's problem (network, GitHub), not the mirror's: keep what it holds.
			throw new IOException(unreachable.getMessage(), unreachable);
		}
		catch (IOException | GitAPIException | RuntimeException broken) {
			if (broken instanceof CommitNotFound notFound) {
				throw notFound;
			}
			// Anything else means a broken mirror (e.g. a fetch killed half-way): start it over, once.
			FileUtils.delete(mirror.toFile(), FileUtils.RECURSIVE | FileUtils.IGNORE_ERRORS);
			try {
				fetchInto(mirror, repository, commit);
			}
			catch (GitAPIException | RuntimeException e) {
				throw new IOException(e.getMessage(), e);
			}
		}
	}

	private static void fetchInto(Path mirror, String repository, String commit) throws IOException, GitAPIException {
		if (!Files.isDirectory(mirror)) {
			try (Git git = Git.init().setBare(true).setDirectory(mirror.toFile()).call()) {
				StoredConfig config = git.getRepository().getConfig();
				config.setString("remote", "origin", "url", repository);
				config.save();
			}
		}
		removeStaleLocks(mirror); // left by an agent killed mid-fetch; only this thread fetches into the mirror now
		try (Git git = Git.open(mirror.toFile())) {
			if (resolve(git, commit) != null) {
				return;
			}
			// Only what the job needs: the commit itself (GitHub, git and JGit servers give a reachable commit by its
			// id), kept under refs/snplab/commits/ so the mirror holds on to it. Not every branch, tag and pull request.
			try {
				git.fetch().setRemote("origin").setRefSpecs(new RefSpec("+" + commit + ":refs/snplab/commits/" + commit)).call();
				keep(git, commit); // JGit fetches an id's objects without writing the ref
			}
			catch (GitAPIException | RuntimeException refused) {
				// A server that gives only what it advertises ("want ... not valid"), or none at all: its branches
				// and tags then, whose fetch also says best why an unreachable remote can't be read.
			}
			if (resolve(git, commit) == null) {
				git.fetch().setRemote("origin").setRefSpecs(BRANCHES, TAGS).setRemoveDeletedRefs(true).call();
			}
			if (resolve(git, commit) == null) {
				throw new CommitNotFound("commit " + commit + " not found in " + CloneUrls.redact(repository));
			}
		}
	}

	/** Points refs/snplab/commits/ID at a fetched commit, so a mirror's gc keeps it. */
	private static void keep(Git git, String commit) throws IOException {
		ObjectId id = resolve(git, commit);
		if (id != null) {
			RefUpdate update = git.getRepository().updateRef("refs/snplab/commits/" + id.name());
			update.setNewObjectId(id);
			update.forceUpdate();
		}
	}

	private static void removeStaleLocks(Path mirror) throws IOException {
		try (Stream<Path> files = Files.walk(mirror)) {
			for (Path lock : files.filter(path -> path.getFileName().toString().endsWith(".lock")).toList()) {
				Files.deleteIfExists(lock);
			}
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

	/** e.g. {@code svsm-1a2b3c4d5e6f.git}: readable, and distinct for two URLs ending alike. */
	static String mirrorName(String repository) {
		String last = repository.replaceAll("[/\\\\]+$", "").replaceAll("^.*[/\\\\:]", "").replaceAll("\\.git$", "");
		String readable = last.replaceAll("[^A-Za-z0-9._-]", "_");
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(repository.getBytes(StandardCharsets.UTF_8));
			return (readable.isEmpty() ? "repository" : readable) + "-" + HexFormat.of().formatHex(digest, 0, 6) + ".git";
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	/** The commit isn't in the repository: no new mirror would change that. */
	private static final class CommitNotFound extends IOException {

		CommitNotFound(String message) {
			super(message);
		}
	}
}
