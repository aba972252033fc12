package org.snplab.results;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.SnplabProperties;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * At start, makes sure this server instance keeps uploaded files where every other instance on the database does:
 * the first instance writes an id into the directory ({@value #MARKER}) and into the database; an instance whose
 * {@code snplab.artifacts.dir} holds another id, or none, refuses to start and says why. Without the check, a second
 * instance on its own disk would take uploads the first can't serve, and its retention would miss the first's files.
 */
@Component
class SharedFilesCheck implements InitializingBean {

	static final String MARKER = ".snplab-directory-id";

	static final String SETTING = "artifacts.directory-id";

	private static final Logger log = LoggerFactory.getLogger(SharedFilesCheck.class);

	private final JdbcClient db;

	private final Path directory;

	SharedFilesCheck(JdbcClient db, SnplabProperties properties) {
		this.db = db;
		this.directory = properties.artifactsDir();
	}

	@Override
	public void afterPropertiesSet() {
		check();
	}

	void check() {
		try {
			Files.createDirectories(directory);
			Path marker = directory.resolve(MARKER);
			Optional<String> expected = stored();
			Optional<String> here = Files.exists(marker) ? Optional.of(Files.readString(marker).strip()) : Optional.empty();
			if (expected.isEmpty()) {
				String id = here.orElseGet(() -> write(marker));
				db.sql("insert into server_setting (name, value) values (?, ?) on conflict (name) do nothing")
					.params(SETTING, id)
					.update();
				expected = stored();
				here = Optional.of(id);
			}
			if (!expected.equals(here)) {
				throw new IllegalStateException("snplab.artifacts.dir " + directory.toAbsolutePath() + " is not the directory "
						+ "the other server instances on this database keep uploaded files in: it " + (here.isEmpty()
								? "has no " + MARKER : "holds " + MARKER + " " + here.get()) + ", they use the one holding "
						+ expected.get() + ". Point snplab.artifacts.dir of every instance at one shared directory (e.g. an "
						+ "NFS mount). If the files are lost for good, delete the setting to start afresh: "
						+ "delete from server_setting where name = '" + SETTING + "'");
			}
			log.info("Uploaded files in {} (directory id {}, shared by every instance on this database)",
					directory.toAbsolutePath(), expected.get());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("can't use snplab.artifacts.dir " + directory.toAbsolutePath() + ": " + ex, ex);
		}
	}

	private Optional<String> stored() {
		return db.sql("select value from server_setting where name = ?").param(SETTING).query(String.class).optional();
	}

	private static String write(Path marker) {
		String id = UUID.randomUUID().toString();
		try {
			Files.writeString(marker, id + "\n", java.nio.file.StandardOpenOption.CREATE_NEW);
			return id;
		}
		catch (FileAlreadyExistsException ex) {
			return read(marker); // another instance sharing the directory wrote it first
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String read(Path marker) {
		try {
			return Files.readString(marker).strip();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
