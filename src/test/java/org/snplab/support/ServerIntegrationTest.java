package org.snplab.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeEach;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
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

	/** The tables each test starts without rows, and every table that refers to them. */
	private static final List<String> EMPTIED = List.of("github_delivery", "github_run", "run", "job", "job_attempt",
			"log_chunk", "artifact", "test_report", "test_result", "host_reservation", "host", "github_head",
			"github_status", "pipeline_schedule", "github_repository", "fair_share_usage", "api_token", "notification");

	/** {@link #EMPTIED} and the tables referring to them, children first (the same schema in every test database). */
	private static volatile List<String> deleteOrder;

	@BeforeEach
	void emptyTables() throws SchedulerException, InterruptedException {
		// DELETE, not TRUNCATE: a TRUNCATE takes each table's ACCESS EXCLUSIVE lock in turn, so a reader still
		// running from the test before (a page, a lease check, a parked poll) that holds one table and reads the
		// next deadlocks with it. DELETE's row locks never conflict with readers. Quartz's jobs pause and the
		// scheduling pass's lock is held, so no background writer changes rows meanwhile.
		quartz.standby();
		try {
			while (!quartz.getCurrentlyExecutingJobs().isEmpty()) {
				Thread.sleep(10);
			}
			List<String> tables = deleteOrder();
			transactions.executeWithoutResult(tx -> {
				db.sql("select pg_advisory_xact_lock(?)").param(SCHEDULING_PASS_LOCK).query((rs, i) -> 1).list();
				// Ids are never reused (sequences go on): the server caches hosts and requirement sets by id.
				for (String table : tables) {
					db.sql("delete from " + table).update();
				}
			});
		}
		finally {
			quartz.start();
		}
	}

	private List<String> deleteOrder() {
		List<String> order = deleteOrder;
		if (order == null) {
			// Who refers to whom; and who must go first: a reference that neither cascades nor sets null blocks
			// deleting what it refers to (the others don't, and would make cycles: host <-> job).
			Map<String, Set<String>> children = new HashMap<>();
			Map<String, Set<String>> blockers = new HashMap<>();
			db.sql("""
					select conrelid::regclass::text, confrelid::regclass::text, confdeltype in ('a', 'r')
					from pg_constraint where contype = 'f' and conrelid <> confrelid""")
				.query((rs, i) -> {
					children.computeIfAbsent(rs.getString(2), t -> new TreeSet<>()).add(rs.getString(1));
					if (rs.getBoolean(3)) {
						blockers.computeIfAbsent(rs.getString(2), t -> new TreeSet<>()).add(rs.getString(1));
					}
					return 1;
				})
				.list();
			Set<String> emptied = new java.util.LinkedHashSet<>(EMPTIED);
			for (List<String> todo = new ArrayList<>(EMPTIED); !todo.isEmpty();) {
				for (String child : children.getOrDefault(todo.remove(0), Set.of())) {
					if (emptied.add(child)) {
						todo.add(child);
					}
				}
			}
			List<String> ordered = new ArrayList<>();
			for (String table : emptied) {
				childrenFirst(table, blockers, ordered);
			}
			order = deleteOrder = List.copyOf(ordered);
		}
		return order;
	}

	/** Appends every table whose references block deleting {@code table} (transitively), then it, each once. */
	private static void childrenFirst(String table, Map<String, Set<String>> children, List<String> ordered) {
		if (ordered.contains(table)) {
			return;
		}
		for (String child : children.getOrDefault(table, Set.of())) {
			childrenFirst(child, children, ordered);
		}
		ordered.add(table);
	}

	protected String baseUrl() {
		return "http://127.0.0.1:" + port;
	}
}
