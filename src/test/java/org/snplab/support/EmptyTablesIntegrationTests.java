package org.snplab.support;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Emptying the tables before each test never waits for, nor deadlocks with, a reader the test before left running:
 * a transaction that has read job, job_attempt and host and is still open (a TRUNCATE would wait for it, and with a
 * second table to read it is the deadlock PostgreSQL breaks by aborting one of the two).
 */
class EmptyTablesIntegrationTests extends ServerIntegrationTest {

	@Autowired
	DataSource dataSource;

	@Test
	void emptyingTheTablesDoesNotWaitForAnOpenReader() throws Exception {
		db.sql("insert into run (repository, ref, commit_sha, trigger, state, created_at) "
				+ "values ('file:///repo', 'main', ?, 'api', 'queued', now())")
			.param("a".repeat(40))
			.update();
		try (Connection reader = dataSource.getConnection()) {
			reader.setAutoCommit(false);
			try (Statement statement = reader.createStatement();
					ResultSet rows = statement.executeQuery(
							"select (select count(*) from job), (select count(*) from job_attempt), (select count(*) from run), "
									+ "(select count(*) from host)")) {
				assertThat(rows.next()).isTrue();
				assertThat(rows.getLong(3)).isEqualTo(1);
			}

			CompletableFuture.runAsync(() -> {
				try {
					emptyTables();
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			}).get(20, TimeUnit.SECONDS);

			assertThat(db.sql("select count(*) from run").query(Long.class).single()).isZero();
			reader.rollback();
		}
	}
}
