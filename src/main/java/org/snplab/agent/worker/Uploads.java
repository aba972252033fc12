package org.snplab.agent.worker;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.snplab.agent.api.AgentApi;
import org.snplab.agent.api.ApiException;
import org.snplab.protocol.AgentProtocol.Job;

/** Uploads the workspace files that a job's artifact and junit globs match. */
final class Uploads {

	private static final Duration RETRY_FOR = Duration.ofMinutes(10);

	private Uploads() {
	}

	/** Throws only for answers that end the job's reporting (409, 401); other failures become log lines. */
	static void run(AgentApi api, Job job, Path workspace, LogStreamer log) throws IOException, InterruptedException {
		upload(api, job, workspace, log, "artifact", job.artifacts());
		upload(api, job, workspace, log, "junit", job.junit());
	}

	private static void upload(AgentApi api, Job job, Path workspace, LogStreamer log, String kind,
			List<String> globs) throws IOException, InterruptedException {
		for (String relative : matching(workspace, globs)) {
			Path file = workspace.resolve(relative);
			try {
				boolean stored = Retry.call("upload of " + relative, RETRY_FOR,
						() -> api.upload(job.jobId(), job.attempt(), kind, relative, file));
				if (!stored) {
					log.line(kind + " " + relative + " skipped: too large");
				}
			}
			catch (ApiException.LeaseLost | ApiException.Rejected e) {
				throw e;
			}
			catch (IOException e) {
				log.line(kind + " " + relative + " not uploaded: " + e.getMessage());
			}
		}
	}

	/**
	 * Workspace-relative paths ('/'-separated) of the regular files any glob matches. Symlinks are never followed
	 * or uploaded and .git is skipped, so nothing outside the workspace can leak out through a glob.
	 */
	static List<String> matching(Path workspace, List<String> globs) throws IOException {
		if (globs.isEmpty()) {
			return List.of();
		}
		List<PathMatcher> matchers = new ArrayList<>();
		for (String glob : globs) {
			matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
			if (glob.startsWith("**/")) {
				// "**/*.xml" should match "a.xml" at the top too, as in most CI tools.
				matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob.substring(3)));
			}
		}
		Path root = workspace.toRealPath();
		TreeSet<String> found = new TreeSet<>();
		Files.walkFileTree(root, new SimpleFileVisitor<>() {
			@Override
			public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
				return dir.equals(root.resolve(".git")) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
				Path relative = root.relativize(file);
				if (attrs.isRegularFile() && !Files.isSymbolicLink(file)
						&& file.toRealPath(LinkOption.NOFOLLOW_LINKS).startsWith(root)
						&& matchers.stream().anyMatch(m -> m.matches(relative))) {
					found.add(relative.toString().replace('\\', '/'));
				}
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFileFailed(Path file, IOException e) {
				return FileVisitResult.CONTINUE;
			}
		});
		return List.copyOf(found);
	}
}
