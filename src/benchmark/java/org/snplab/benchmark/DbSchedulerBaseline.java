package org.snplab.benchmark;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The yardstick the scheduler issue sets for the queue: db-scheduler 16.7.1 executing due one-time tasks with its
 * lock-and-fetch polling (one {@code UPDATE ... FOR UPDATE SKIP LOCKED ... RETURNING} picks a batch; each execution
 * is then completed, i.e. deleted), on its own database of the same PostgreSQL, in the same JVM and run as snplab's
 * numbers. The tasks do nothing, so this is the rate of db-scheduler's own lifecycle: pick, run, complete.
 */
final class DbSchedulerBaseline {

	private static final String TABLE = """
			create table scheduled_tasks (
			  task_name text not null, task_instance text not null, task_data bytea,
			  execution_time timestamp with time zone not null, picked boolean not null, picked_by text,
			  last_success timestamp with time zone, last_failure timestamp with time zone, consecutive_failures int,
			  last_heartbeat timestamp with time zone, version bigint not null, priority smallint,
			  primary key (task_name, task_instance));
			create index execution_time_idx on scheduled_tasks (execution_time);
			create index last_heartbeat_idx on scheduled_tasks (last_heartbeat);
			create index priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc)""";

	private DbSchedulerBaseline() {
	}

	/**
	 * Executions per second with {@code threads} executor threads, over {@code measured} executions after
	 * {@code warmUp} more (all due when the scheduler starts).
	 */
	static double executionsPerSecond(String jdbcUrl, int threads, int warmUp, int measured) throws InterruptedException {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(jdbcUrl);
		config.setMaximumPoolSize(threads + 4);
		try (HikariDataSource dataSource = new HikariDataSource(config)) {
			JdbcClient db = JdbcClient.create(dataSource);
			for (String statement : TABLE.split(";")) {
				db.sql(statement).update();
			}
			int total = warmUp + measured;
			db.sql("""
					insert into scheduled_tasks (task_name, task_instance, execution_time, picked, version, priority)
					select 'noop', 'i' || g, now() - interval '1 minute', false, 1, 0 from generate_series(1, ?) g""")
				.param(total)
				.update();
			db.sql("analyze scheduled_tasks").update();
			CountDownLatch done = new CountDownLatch(total);
			AtomicInteger executed = new AtomicInteger();
			AtomicLong measureFrom = new AtomicLong();
			OneTimeTask<Void> noop = Tasks.oneTime("noop").execute((instance, context) -> {
				if (executed.incrementAndGet() == warmUp) {
					measureFrom.set(System.nanoTime());
				}
				done.countDown();
			});
			Scheduler scheduler = scheduler(dataSource, noop, threads);
			scheduler.start();
			try {
				if (!done.await(10, TimeUnit.MINUTES)) {
					throw new IllegalStateException("db-scheduler executed only " + executed.get() + " of " + total);
				}
				long elapsed = System.nanoTime() - measureFrom.get();
				return measured / (elapsed / 1e9);
			}
			finally {
				scheduler.stop();
			}
		}
	}

	private static Scheduler scheduler(DataSource dataSource, OneTimeTask<Void> task, int threads) {
		return Scheduler.create(dataSource, task)
			.threads(threads)
			.pollUsingLockAndFetch(0.5, 1.0)
			.pollingInterval(Duration.ofSeconds(1))
			.build();
	}
}
