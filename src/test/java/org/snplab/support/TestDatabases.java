package org.snplab.support;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.snplab.database.EmbeddedDatabase;

/**
 * Real PostgreSQL for tests, a fresh database each time one is asked for.
 * <p>
 * Uses {@code SNPLAB_TEST_DATABASE_URL} when set (a JDBC URL of a user allowed to create databases, or
 * {@code embedded}), else a server on 127.0.0.1:5432 when one answers, else starts the same embedded PostgreSQL the
 * server uses by default, once per test JVM. So the suite runs on a fresh machine and against a real server alike.
 */
public final class TestDatabases {

	private static final String LOCAL = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres&connectTimeout=2";

	private static String adminUrl;

	private static EmbeddedPostgres embedded;

	private TestDatabases() {
	}

	/** The JDBC URL of a new, empty database. */
	public static synchronized String newDatabase() {
		String admin = adminUrl();
		// The creation time in the name lets a later run drop leftovers without touching another JVM's databases.
		String name = "snplabtest_" + System.currentTimeMillis() / 1000 + "_"
				+ UUID.randomUUID().toString().replace("-", "").substring(0, 8);
		try (Connection connection = DriverManager.getConnection(admin); Statement statement = connection.createStatement()) {
			statement.execute("create database " + name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("can't create a test database through " + admin, ex);
		}
		return withDatabase(admin, name);
	}

	private static String adminUrl() {
		if (adminUrl != null) {
			return adminUrl;
		}
		String configured = System.getenv("SNPLAB_TEST_DATABASE_URL");
		if ("embedded".equals(configured)) {
			adminUrl = startEmbedded();
		}
		else if (configured != null && !configured.isBlank()) {
			adminUrl = configured;
		}
		else if (answers(LOCAL)) {
			adminUrl = LOCAL;
		}
		else {
			adminUrl = startEmbedded();
		}
		dropLeftovers(adminUrl);
		return adminUrl;
	}

	private static boolean answers(String url) {
		try (Connection connection = DriverManager.getConnection(url)) {
			return connection.isValid(2);
		}
		catch (SQLException ex) {
			return false;
		}
	}

	private static String startEmbedded() {
		try {
			embedded = EmbeddedDatabase.start(Files.createTempDirectory("snplab-test-pg"));
			return embedded.getJdbcUrl("postgres", "postgres");
		}
		catch (IOException ex) {
			throw new IllegalStateException("no PostgreSQL for tests: none on 127.0.0.1:5432 and the embedded one failed", ex);
		}
	}

	/** Stops the embedded PostgreSQL at the end of the run, if one was started. */
	static synchronized void stopEmbedded() {
		if (embedded != null) {
			try {
				embedded.close();
			}
			catch (IOException ex) {
				// Its data directory is under the tests' temporary directory, deleted next.
			}
			embedded = null;
			adminUrl = null;
		}
	}

	/** Databases of runs more than two hours old; other test JVMs may be using the newer ones right now. */
	private static void dropLeftovers(String admin) {
		long cutoff = System.currentTimeMillis() / 1000 - 2 * 3600;
		try (Connection connection = DriverManager.getConnection(admin); Statement statement = connection.createStatement()) {
			var names = new java.util.ArrayList<String>();
			try (var rs = statement.executeQuery("select datname from pg_database where datname like 'snplabtest\\_%'")) {
				while (rs.next()) {
					names.add(rs.getString(1));
				}
			}
			for (String name : names) {
				String[] parts = name.split("_");
				boolean old = parts.length != 3 || !parts[1].matches("\\d+") || Long.parseLong(parts[1]) < cutoff;
				if (old) {
					statement.execute("drop database if exists " + name + " with (force)");
				}
			}
		}
		catch (SQLException ex) {
			// Leftovers only cost disk space.
		}
	}

	static String withDatabase(String url, String database) {
		int slash = url.indexOf('/', "jdbc:postgresql://".length());
		int query = url.indexOf('?', slash);
		return url.substring(0, slash + 1) + database + (query < 0 ? "" : url.substring(query));
	}
}
