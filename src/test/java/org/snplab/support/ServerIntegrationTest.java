package org.snplab.support;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of tests that need the whole server on a real port and a real PostgreSQL. All subclasses share one server
 * and one database; each test starts from empty tables.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ServerIntegrationTest {

	public static final String ADMIN_PASSWORD = "admin-test-password";

	/** Users from {@code snplab.users}: a maintainer and a viewer, each with this password. */
	public static final String USER_PASSWORD = "user-test-password";

	public static final String REGISTRATION_TOKEN = "test-registration-token";

	@LocalServerPort
	protected int port;

	@Autowired
	protected JdbcClient db;

	@DynamicPropertySource
	static void server(DynamicPropertyRegistry registry) throws Exception {
		String url = TestDatabases.newDatabase();
		Path dataDir = Files.createTempDirectory("snplab-test-data");
		registry.add("spring.datasource.url", () -> url);
		// Several test servers stay alive side by side in one JVM (Spring caches contexts): small pools keep them
		// all under PostgreSQL's max_connections.
		registry.add("spring.datasource.hikari.maximum-pool-size", () -> "10");
		registry.add("spring.datasource.hikari.minimum-idle", () -> "1");
		// Quartz keeps schedulers and their data sources in JVM-wide registries by scheduler name: test servers
		// living side by side in one JVM (each on its own database) need names of their own.
		registry.add("spring.quartz.scheduler-name", () -> "snplab-" + url.replaceAll(".*/(\\w+).*", "$1"));
		registry.add("snplab.data-dir", dataDir::toString);
		registry.add("snplab.agent.registration-token", () -> REGISTRATION_TOKEN);
		registry.add("SNPLAB_ADMIN_PASSWORD", () -> ADMIN_PASSWORD);
		registry.add("snplab.users[0].name", () -> "maintainer");
		registry.add("snplab.users[0].password", () -> USER_PASSWORD);
		registry.add("snplab.users[0].role", () -> "maintainer");
		registry.add("snplab.users[1].name", () -> "viewer");
		registry.add("snplab.users[1].password", () -> USER_PASSWORD);
		registry.add("snplab.users[1].role", () -> "viewer");
		registry.add("snplab.queue.lease", () -> "3s");
		registry.add("snplab.queue.heartbeat", () -> "1s");
		registry.add("snplab.queue.lease-check-interval", () -> "1s");
		registry.add("snplab.logs.max-bytes-per-job", () -> "3000000");
		// Parked polls are then woken only by NOTIFY: tests see it work, not the safety net.
		registry.add("snplab.queue.poll-sweep", () -> "10m");
	}

	@BeforeEach
	void emptyTables() {
		// Ids are never reused (no restart identity): the server caches hosts and requirement sets by id. A
		// scheduling pass running in the background may hold locks in another order: PostgreSQL then fails one
		// side of the deadlock, and this is retried.
		for (int attempt = 1;; attempt++) {
			try {
				db.sql("truncate test_result, test_report, log_chunk, artifact, job_attempt, job, run, host, github_delivery, github_run, github_head, github_status, pipeline_schedule, github_repository, fair_share_usage cascade").update();
				return;
			}
			catch (org.springframework.dao.PessimisticLockingFailureException deadlock) {
				if (attempt == 5) {
					throw deadlock;
				}
			}
		}
	}

	protected String baseUrl() {
		return "http://127.0.0.1:" + port;
	}
}
