package org.snplab.support;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

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

	/** {@code SchedulingPass}'s advisory lock ("snplab" in ASCII). */
	private static final long SCHEDULING_PASS_LOCK = 0x736e706c6162L;

	@Autowired
	private Scheduler quartz;

	@Autowired
	private TransactionTemplate transactions;

	@BeforeEach
	void emptyTables() throws SchedulerException, InterruptedException {
		// A background writer holding some of these tables while TRUNCATE takes its locks table by table can deadlock
		// with it (it holds job and waits for job_attempt, TRUNCATE the other way round). So Quartz's jobs pause,
		// the truncate holds the scheduling pass's lock (no pass runs meanwhile), and it takes the tables parents
		// first, the order request-path writers lock them (run, then job, then the rest).
		quartz.standby();
		try {
			while (!quartz.getCurrentlyExecutingJobs().isEmpty()) {
				Thread.sleep(10);
			}
			// A reader outside the pass (a page, a lease check) can still cross the truncate's locks on a table the
			// cascade takes last: PostgreSQL then aborts one of the two ("deadlock detected"); the truncate runs again.
			for (int attempt = 1;; attempt++) {
				try {
					truncate();
					break;
				}
				catch (PessimisticLockingFailureException ex) {
					if (attempt == 5) {
						throw ex;
					}
				}
			}
		}
		finally {
			quartz.start();
		}
	}

	private void truncate() {
		transactions.executeWithoutResult(tx -> {
			db.sql("select pg_advisory_xact_lock(?)").param(SCHEDULING_PASS_LOCK).query((rs, i) -> 1).list();
			// Ids are never reused (no restart identity): the server caches hosts and requirement sets by id.
			db.sql("truncate github_delivery, github_run, run, job, job_attempt, log_chunk, artifact, test_report, test_result, host_reservation, host, github_head, github_status, pipeline_schedule, github_repository, fair_share_usage, api_token, notification cascade").update();
		});
	}

	protected String baseUrl() {
		return "http://127.0.0.1:" + port;
	}
}
