package org.snplab.results;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.snplab.InvalidInputException;
import org.snplab.SnplabProperties;
import org.snplab.TooLargeException;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Files jobs upload (artifacts and JUnit reports), under {@code snplab.data-dir}/artifacts/JOB/ATTEMPT/KIND/NAME.
 * Names are checked so that no upload can land outside its job's folder; sizes are limited per file and per job.
 */
@Service
public class ArtifactStore {

	private final JdbcClient db;

	private final Path root;

	private final SnplabProperties.Artifacts limits;

	private final TestReports testReports;

	ArtifactStore(JdbcClient db, SnplabProperties properties, TestReports testReports) {
		this.db = db;
		this.testReports = testReports;
		this.root = properties.artifactsDir();
		this.limits = properties.artifacts();
	}

	public record Artifact(long id, long jobId, int attempt, String kind, String name, long size) {
	}

	public Artifact save(long jobId, int attempt, String kind, String name, InputStream content) throws IOException {
		if (!kind.equals("artifact") && !kind.equals("junit")) {
			throw new InvalidInputException("file kind must be artifact or junit, got " + kind);
		}
		String safeName = sanitize(name);
		long used = db.sql("select coalesce(sum(size), 0) from artifact where job_id = ?").param(jobId).query(Long.class).single();
		Path folder = root.resolve(Long.toString(jobId)).resolve(Integer.toString(attempt)).resolve(kind);
		Path file = folder.resolve(safeName);
		refuseClash(folder, safeName);
		Files.createDirectories(folder);
		// A short name of its own, beside the job's files: NAME.partial could pass the file system's 255-byte limit.
		// Names starting with "." are refused, so it can't be an upload's name.
		Path partial = Files.createTempFile(folder, ".upload-", ".partial");
		long limit = Math.min(limits.maxFileBytes(), limits.maxJobBytes() - used);
		long size;
		try {
			try (InputStream in = content; OutputStream out = Files.newOutputStream(partial)) {
				size = copy(in, out, limit, safeName);
			}
			Files.createDirectories(file.getParent());
			Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		}
		catch (FileAlreadyExistsException | DirectoryNotEmptyException | NotDirectoryException ex) {
			// Another upload of the job made the clash after our check.
			throw clash(safeName);
		}
		finally {
			Files.deleteIfExists(partial);
		}
		long id = db.sql("""
				insert into artifact (job_id, attempt, kind, name, size) values (?, ?, ?, ?, ?)
				on conflict (job_id, attempt, kind, name) do update set size = excluded.size, created_at = now()
				returning id""")
			.params(jobId, attempt, kind, safeName, size)
			.query(Long.class)
			.single();
		if (kind.equals("junit")) {
			testReports.record(jobId, attempt, safeName, file); // records a broken report's error; never throws for content
		}
		return new Artifact(id, jobId, attempt, kind, safeName, size);
	}

	public List<Artifact> list(long jobId) {
		return db.sql("select id, job_id, attempt, kind, name, size from artifact where job_id = ? order by attempt, kind, name")
			.param(jobId)
			.query((rs, i) -> new Artifact(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getString(4), rs.getString(5), rs.getLong(6)))
			.list();
	}

	public Optional<Artifact> find(long jobId, long artifactId) {
		return list(jobId).stream().filter(a -> a.id() == artifactId).findFirst();
	}

	public Path path(Artifact artifact) {
		return root.resolve(Long.toString(artifact.jobId())).resolve(Integer.toString(artifact.attempt()))
			.resolve(artifact.kind()).resolve(artifact.name());
	}

	/** A relative path of plain segments; anything that could climb out or hide is refused, not rewritten. */
	static String sanitize(String name) {
		if (name == null || name.isBlank() || name.length() > 255) {
			throw new InvalidInputException("file name must be 1-255 characters");
		}
		if (name.startsWith("/") || name.contains("\\") || name.contains("\0")) {
			throw new InvalidInputException("file name must be a relative path with '/' separators: " + name);
		}
		for (String segment : name.split("/", -1)) {
			if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.startsWith(".")
					|| !segment.matches("[A-Za-z0-9._+@=,-]+")) {
				throw new InvalidInputException("file name segment not allowed: '" + segment + "' in " + name);
			}
		}
		return name;
	}

	/** A file can't also be a folder: {@code d1} then {@code d1/child}, or the other way round, is refused. */
	private static void refuseClash(Path folder, String name) {
		String[] segments = name.split("/");
		Path prefix = folder;
		for (int i = 0; i < segments.length - 1; i++) {
			prefix = prefix.resolve(segments[i]);
			if (Files.exists(prefix, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(prefix, LinkOption.NOFOLLOW_LINKS)) {
				throw new InvalidInputException("file name " + name + " puts a file inside "
						+ String.join("/", java.util.Arrays.copyOf(segments, i + 1))
						+ ", which this job already uploaded as a file; a name can't be both a file and a folder");
			}
		}
		if (Files.isDirectory(folder.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
			throw clash(name);
		}
	}

	private static InvalidInputException clash(String name) {
		return new InvalidInputException("file name " + name + " clashes with another file of this job: one is a"
				+ " folder of the other (e.g. d1 and d1/child); a name can't be both a file and a folder");
	}

	private static long copy(InputStream in, OutputStream out, long limit, String name) throws IOException {
		byte[] buffer = new byte[64 * 1024];
		long total = 0;
		int read;
		while ((read = in.read(buffer)) != -1) {
			total += read;
			if (total > limit) {
				throw new TooLargeException(name + " is larger than the " + limit
						+ " bytes left for this job (snplab.artifacts.max-file-bytes / max-job-bytes)");
			}
			out.write(buffer, 0, read);
		}
		return total;
	}
}
