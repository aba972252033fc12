package org.snplab.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.snplab.InvalidInputException;
import org.snplab.SnplabProperties;

import org.springframework.stereotype.Service;

/**
 * One bare mirror per repository under {@code snplab.data-dir}/git. Files are read straight from the commit's tree,
 * so a branch moving on while we read can't change what we see.
 */
@Service
public class GitRepositories {

	/** Pipeline files larger than this are refused rather than parsed. */
	static final int MAX_FILE_BYTES = 1024 * 1024;

	private static final List<RefSpec> FETCH_ALL = List.of(new RefSpec("+refs/heads/*:refs/heads/*"),
			new RefSpec("+refs/tags/*:refs/tags/*"));

	private final Path mirrors;

	private final Map<String, Object> locks = new ConcurrentHashMap<>();

	GitRepositories(SnplabProperties properties) {
		this.mirrors = properties.dataDir().resolve("git");
	}

	/**
	 * The commit a branch, tag, full ref or commit id names, after fetching what's needed.
	 * @throws InvalidInputException if the repository can't be fetched or the ref doesn't exist
	 */
	public String resolve(String cloneUrl, String ref) {
		synchronized (lock(cloneUrl)) {
			try (Repository repository = mirror(cloneUrl)) {
				if (ObjectId.isId(ref) && has(repository, ref)) {
					return ref;
				}
				fetch(repository, cloneUrl, ref);
				for (String candidate : List.of(ref, Constants.R_HEADS + ref, Constants.R_TAGS + ref)) {
					ObjectId id = repository.resolve(candidate + "^{commit}");
					if (id != null) {
						return id.name();
					}
				}
				throw new InvalidInputException("ref '" + ref + "' not found in " + CloneUrls.redact(cloneUrl));
			}
			catch (IOException ex) {
				throw new InvalidInputException(CloneUrls.redact("can't read " + cloneUrl + ": " + ex.getMessage()));
			}
		}
	}

	/** The file's text at that commit, or empty when the commit has no such file. */
	public Optional<String> readFile(String cloneUrl, String commitSha, String path) {
		synchronized (lock(cloneUrl)) {
			try (Repository repository = mirror(cloneUrl); RevWalk walk = new RevWalk(repository)) {
				RevCommit commit = walk.parseCommit(ObjectId.fromString(commitSha));
				try (TreeWalk tree = TreeWalk.forPath(repository, path, commit.getTree())) {
					if (tree == null) {
						return Optional.empty();
					}
					ObjectLoader loader = repository.open(tree.getObjectId(0));
					if (loader.getSize() > MAX_FILE_BYTES) {
						throw new InvalidInputException(path + " at " + commitSha + " is " + loader.getSize()
								+ " bytes; the limit is " + MAX_FILE_BYTES);
					}
					return Optional.of(new String(loader.getBytes(), StandardCharsets.UTF_8));
				}
			}
			catch (MissingObjectException ex) {
				throw new InvalidInputException("commit " + commitSha + " not found in " + CloneUrls.redact(cloneUrl));
			}
			catch (IOException ex) {
				throw new InvalidInputException("can't read " + path + " at " + commitSha + ": " + ex.getMessage());
			}
		}
	}

	private void fetch(Repository repository, String cloneUrl, String ref) throws IOException {
		List<RefSpec> specs = FETCH_ALL;
		if (ref.startsWith("refs/") && !ref.startsWith(Constants.R_HEADS) && !ref.startsWith(Constants.R_TAGS)) {
			specs = List.of(new RefSpec("+" + ref + ":" + ref)); // e.g. refs/pull/12/head
		}
		try (Git git = new Git(repository)) {
			git.fetch().setRemote(cloneUrl).setRefSpecs(specs).setRemoveDeletedRefs(true).call();
		}
		catch (GitAPIException ex) {
			throw new IOException("fetch failed: " + ex.getMessage(), ex);
		}
	}

	private Repository mirror(String cloneUrl) throws IOException {
		Path directory = mirrors.resolve(Integer.toHexString(cloneUrl.hashCode()) + "-" + safeName(cloneUrl) + ".git");
		Repository repository = new FileRepositoryBuilder().setGitDir(directory.toFile()).setBare().build();
		if (!Files.exists(directory.resolve("HEAD"))) {
			Files.createDirectories(directory);
			repository.create(true);
		}
		return repository;
	}

	private static boolean has(Repository repository, String id) throws IOException {
		try (RevWalk walk = new RevWalk(repository)) {
			walk.parseCommit(ObjectId.fromString(id));
			return true;
		}
		catch (MissingObjectException ex) {
			return false;
		}
	}

	private static String safeName(String cloneUrl) {
		String name = cloneUrl.replaceAll("\\.git/?$", "").replaceAll(".*[/:]", "");
		return name.replaceAll("[^A-Za-z0-9_.-]", "_");
	}

	private Object lock(String cloneUrl) {
		return locks.computeIfAbsent(cloneUrl, url -> new Object());
	}
}
