package org.snplab.agent.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.eclipse.jgit.util.FileUtils;
import org.snplab.protocol.AgentProtocol.Cache;

/**
 * The host's job caches, as GitHub's actions/cache: a job's {@code cache:} paths are restored into its workspace
 * before the steps when their key exists on this host, and saved after a passing job when it didn't. Kept under
 * {@code WORK_DIR/caches/<repository>/<scope>/<key hash>/}, all of them together bounded (least recently used
 * evicted). A job reads its own scope, then the protected one; it writes only its own, so a pull request from a fork
 * can't change what {@code main}'s jobs restore.
 */
final class JobCaches {

	/** The scope of the repository's protected branches, which every job may read. */
	static final String PROTECTED = "protected";

	private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

	private static final Pattern HASH_FILES = Pattern.compile("\\$\\{hashFiles\\('([^']+)'\\)}|hashFiles\\('([^']+)'\\)");

	private static final Pattern SCOPE = Pattern.compile("[A-Za-z0-9._-]{1,100}");

	// Slots share the host's caches: one saves, restores or evicts at a time, so none reads an entry half-written
	// or half-deleted.
	private static final Object HOST_LOCK = new Object();

	private final Path root;

	private final Path repositoryRoot;

	private final long maxBytes;

	private final Clock clock;

	/** A cache whose key this host didn't have: saved after the job if it passes. */
	record Miss(Cache cache, String key) {
	}

	JobCaches(Path workDir, String repository, long maxBytes, Clock clock) {
		this.root = workDir.resolve("caches").toAbsolutePath();
		this.repositoryRoot = root.resolve(Checkout.mirrorName(repository).replaceAll("\\.git$", ""));
		this.maxBytes = maxBytes;
		this.clock = clock;
	}

	/** Restores each cache found in {@code scope} or the protected scope; returns those not found. */
	List<Miss> restore(List<Cache> caches, String scope, Path workspace, Map<String, String> env, LogStreamer log)
			throws IOException {
		List<Miss> misses = new ArrayList<>();
		for (Cache cache : caches) {
			String key = expand(cache.key(), workspace, env);
			synchronized (HOST_LOCK) {
				Path entry = found(key, scope);
				if (entry == null) {
					log.line("cache miss: " + key);
					misses.add(new Miss(cache, key));
					continue;
				}
				long size = copyTree(entry.resolve("data"), workspace.toAbsolutePath());
				Files.setLastModifiedTime(entry.resolve("key"), FileTime.from(clock.instant()));
				log.line("cache hit: " + key + " (" + entry.getParent().getFileName() + " scope), " + human(size)
						+ " restored");
			}
		}
		return misses;
	}

	/** Saves what missed into the job's own scope, then evicts the least recently used beyond the bound. */
	void save(List<Miss> misses, String scope, Path workspace, LogStreamer log) throws IOException {
		for (Miss miss : misses) {
			if (scope == null || !SCOPE.matcher(scope).matches()) {
				log.line("cache not saved: " + miss.key() + ": the server gave this job no cache scope");
				continue;
			}
			synchronized (HOST_LOCK) {
				saveOne(miss, scope, workspace.toAbsolutePath(), log);
				evictBeyondBound(log);
			}
		}
	}

	private void saveOne(Miss miss, String scope, Path workspace, LogStreamer log) throws IOException {
		Path scopeDir = Files.createDirectories(repositoryRoot.resolve(scope));
		Path entry = scopeDir.resolve(hash(miss.key()));
		if (Files.isDirectory(entry)) {
			return; // another slot saved it meanwhile
		}
		Path staging = scopeDir.resolve(".saving-" + UUID.randomUUID());
		try {
			long size = 0;
			int present = 0;
			for (String path : miss.cache().paths()) {
				Path source = inside(workspace, path);
				if (source == null || !Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
					continue;
				}
				present++;
				size += copyTree(source, staging.resolve("data").resolve(workspace.relativize(source)));
			}
			if (present == 0) {
				log.line("cache not saved: " + miss.key() + ": none of " + String.join(", ", miss.cache().paths())
						+ " exists");
				return;
			}
			if (size > maxBytes) {
				log.line("cache not saved: " + miss.key() + ": " + human(size) + " is more than this host keeps ("
						+ human(maxBytes) + ")");
				return;
			}
			Files.writeString(staging.resolve("key"), miss.key() + "\n", StandardCharsets.UTF_8);
			Files.writeString(staging.resolve("size"), Long.toString(size), StandardCharsets.UTF_8);
			Files.setLastModifiedTime(staging.resolve("key"), FileTime.from(clock.instant()));
			Files.move(staging, entry, StandardCopyOption.ATOMIC_MOVE);
			log.line("cache saved: " + miss.key() + " (" + scope + " scope), " + human(size));
		}
		finally {
			FileUtils.delete(staging.toFile(), FileUtils.RECURSIVE | FileUtils.IGNORE_ERRORS | FileUtils.SKIP_MISSING);
		}
	}

	private void evictBeyondBound(LogStreamer log) throws IOException {
		List<Path> entries = entries();
		long total = entries.stream().mapToLong(JobCaches::sizeOf).sum();
		entries.sort(Comparator.comparing(JobCaches::lastUsed));
		for (Path oldest : entries) {
			if (total <= maxBytes) {
				return;
			}
			long size = sizeOf(oldest);
			String key = Files.readString(oldest.resolve("key"), StandardCharsets.UTF_8).strip();
			FileUtils.delete(oldest.toFile(), FileUtils.RECURSIVE | FileUtils.IGNORE_ERRORS);
			total -= size;
			log.line("cache evicted: " + key + " (" + human(size) + ", least recently used; this host keeps "
					+ human(maxBytes) + ")");
		}
	}

	/** Every saved entry on the host, of every repository and scope. */
	private List<Path> entries() throws IOException {
		if (!Files.isDirectory(root)) {
			return new ArrayList<>();
		}
		try (Stream<Path> found = Files.find(root, 3, (path, attrs) -> attrs.isDirectory()
				&& root.relativize(path).getNameCount() == 3 && Files.isRegularFile(path.resolve("key")))) {
			return new ArrayList<>(found.toList());
		}
	}

	private Path found(String key, String scope) {
		for (String candidate : scope == null || scope.equals(PROTECTED) ? List.of(PROTECTED) : List.of(scope, PROTECTED)) {
			if (SCOPE.matcher(candidate).matches()) {
				Path entry = repositoryRoot.resolve(candidate).resolve(hash(key));
				if (Files.isRegularFile(entry.resolve("key"))) {
					return entry;
				}
			}
		}
		return null;
	}

	/**
	 * The key with {@code ${VAR}} replaced from the job's environment (empty if unset) and {@code hashFiles('glob')}
	 * (or {@code ${hashFiles('glob')}})
	 * by the SHA-256 of the matching checkout files (names and contents; empty if none match), as GitHub's keys.
	 */
	static String expand(String key, Path workspace, Map<String, String> env) throws IOException {
		Matcher hashes = HASH_FILES.matcher(key);
		StringBuilder out = new StringBuilder();
		while (hashes.find()) {
			hashes.appendReplacement(out, Matcher.quoteReplacement(hashFiles(workspace,
					hashes.group(1) != null ? hashes.group(1) : hashes.group(2))));
		}
		hashes.appendTail(out);
		return VARIABLE.matcher(out.toString())
			.replaceAll(variable -> Matcher.quoteReplacement(env.getOrDefault(variable.group(1), "")));
	}

	private static String hashFiles(Path workspace, String glob) throws IOException {
		List<String> files = Uploads.matching(workspace, List.of(glob));
		if (files.isEmpty()) {
			return "";
		}
		MessageDigest digest = sha256();
		for (String file : files) {
			digest.update(file.getBytes(StandardCharsets.UTF_8));
			digest.update((byte) 0);
			digest.update(Files.readAllBytes(workspace.resolve(file)));
		}
		return HexFormat.of().formatHex(digest.digest());
	}

	/** The path inside the workspace, or null if it (through a symlinked directory) leads outside. */
	private static Path inside(Path workspace, String path) throws IOException {
		Path resolved = workspace.resolve(path).normalize();
		Path parent = resolved.getParent();
		if (!resolved.startsWith(workspace) || resolved.equals(workspace) || parent == null || !Files.isDirectory(parent)) {
			return null;
		}
		return parent.toRealPath().startsWith(workspace.toRealPath()) ? resolved : null;
	}

	/**
	 * Copies a file or directory tree, symlinks as symlinks (never followed), modes and times kept; returns the
	 * bytes of regular files copied.
	 */
	private static long copyTree(Path source, Path target) throws IOException {
		long[] bytes = {0};
		Files.walkFileTree(source, new SimpleFileVisitor<>() {
			@Override
			public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
				Files.createDirectories(target.resolve(source.relativize(dir).toString()));
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
				Path to = target.resolve(source.relativize(file).toString());
				Files.createDirectories(to.getParent());
				Files.copy(file, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES,
						LinkOption.NOFOLLOW_LINKS);
				if (attrs.isRegularFile()) {
					bytes[0] += attrs.size();
				}
				return FileVisitResult.CONTINUE;
			}
		});
		return bytes[0];
	}

	private static long sizeOf(Path entry) {
		try {
			return Long.parseLong(Files.readString(entry.resolve("size")).strip());
		}
		catch (IOException | NumberFormatException e) {
			return 0;
		}
	}

	private static FileTime lastUsed(Path entry) {
		try {
			return Files.getLastModifiedTime(entry.resolve("key"));
		}
		catch (IOException e) {
			return FileTime.fromMillis(0);
		}
	}

	private static String hash(String key) {
		return HexFormat.of().formatHex(sha256().digest(key.getBytes(StandardCharsets.UTF_8)), 0, 16);
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	static String human(long bytes) {
		if (bytes < 1024) {
			return bytes + " B";
		}
		if (bytes < 1024 * 1024) {
			return String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / 1024.0);
		}
		if (bytes < 1L << 30) {
			return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
		}
		return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
	}
}
