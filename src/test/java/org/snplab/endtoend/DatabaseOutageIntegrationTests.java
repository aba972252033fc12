package org.snplab.endtoend;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.support.Eventually;
import org.snplab.support.FormSession;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerProcess;
import org.snplab.support.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;

/** A real server whose PostgreSQL database stops taking connections for a while, then comes back. */
class DatabaseOutageIntegrationTests {

	@TempDir
	Path temp;

	@Test
	void validCredentialsGet503WhileTheDatabaseIsUnreachableAnd200WhenItIsBack() throws Exception {
		String url = TestDatabases.newDatabase();
		String database = url.replaceAll(".*/(\\w+).*", "$1");
		// PostgreSQL won't bar connections to the database one is connected to: work from its maintenance database.
		String maintenance = url.replace("/" + database, "/postgres");
		Map<String, String> properties = Map.of("spring.datasource.url", url, "snplab.data-dir",
				temp.resolve("data").toString(), "snplab.agent.registration-token", "token",
				// Fail fast when no connection can be had, rather than after Hikari's default 30 s.
				"spring.datasource.hikari.connection-timeout", "2000");
		try (ServerProcess server = ServerProcess.start(temp.resolve("server.log"), properties,
				Map.of("SNPLAB_ADMIN_PASSWORD", "secret"));
				Connection admin = DriverManager.getConnection(maintenance); Statement sql = admin.createStatement()) {
			HttpApi api = HttpApi.basic(server.baseUrl(), "admin", "secret");

			sql.execute("alter database " + database + " with allow_connections false");
			sql.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + database + "'");
			HttpApi.Response unavailable = api.get("/api/hosts");
			FormSession.Page login = FormSession.logInAnswer(server.baseUrl(), "admin", "secret");
			sql.execute("alter database " + database + " with allow_connections true");

			assertThat(login.location()).as("a form login says the database is unreachable, not that the password is wrong")
				.endsWith("/login?unavailable");

			assertThat(unavailable.status()).as(unavailable.body()).isEqualTo(503);
			assertThat(unavailable.json().get("status").asInt()).isEqualTo(503);
			assertThat(unavailable.json().get("detail").asString()).contains("database is unreachable");
			Eventually.await(Duration.ofSeconds(30), "the credentials to work again", () -> api.get("/api/hosts").status(),
					status -> status == 200);
		}
	}
}
