package org.snplab.queue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.snplab.hosts.HostChanged;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * PostgreSQL LISTEN/NOTIFY on channel {@code snplab_jobs}: every server instance hears within milliseconds what may
 * change a scheduling decision, and runs a pass ({@link PassTrigger}); the payload is the requirement set id of a
 * queued job, or {@code *} for anything else (a job finished or requeued, a host changed). A pass's assignments send
 * {@code host:<id>}, which wakes that host's parked polls ({@link Dispatcher}). Notifications sent inside a
 * transaction are delivered at commit, so whoever is woken always finds the change. Channel
 * {@code snplab_rendezvous} carries the scope of a gang's new rendezvous message ({@link Rendezvous}), apart, so
 * that steps talking to each other never cost a scheduling pass.
 */
@Component
class JobNotifications implements SmartLifecycle {

	static final String CHANNEL = "snplab_jobs";

	static final String RENDEZVOUS_CHANNEL = "snplab_rendezvous";

	static final String ANY = "*";

	/** A pass assigned jobs to this host: its parked polls, wherever they are, take them. */
	static final String HOST = "host:";

	/**
	 * Published to this instance's subscribers, never sent: the LISTEN connection was (re)opened and whatever was
	 * sent meanwhile is unknown, so every parked poll looks once and a pass runs.
	 */
	static final String RECONNECTED = "reconnected";

	private static final Logger log = LoggerFactory.getLogger(JobNotifications.class);

	private final DataSource dataSource;

	private final List<Consumer<String>> subscribers = new CopyOnWriteArrayList<>();

	private final List<Consumer<String>> rendezvousSubscribers = new CopyOnWriteArrayList<>();

	private volatile boolean running;

	/** Runs {@link #listen} on a thread of its own for as long as this is running. */
	private final AsyncTaskExecutor listenerThread;

	private Future<?> listening;

	private final JdbcClient db;

	JobNotifications(DataSource dataSource, JdbcClient db,
			@Qualifier("jobNotificationsListener") AsyncTaskExecutor listenerThread) {
		this.dataSource = dataSource;
		this.db = db;
		this.listenerThread = listenerThread;
	}

	static void notifyQueued(JdbcClient db, long requirementSetId) {
		send(db, Long.toString(requirementSetId));
	}

	static void notifyAny(JdbcClient db) {
		send(db, ANY);
	}

	static void notifyHost(JdbcClient db, long hostId) {
		send(db, HOST + hostId);
	}

	/** A role of a gang sent a message: that gang's waiting roles, wherever they wait, look again. */
	static void notifyRendezvous(JdbcClient db, String scope) {
		db.sql("select pg_notify('" + RENDEZVOUS_CHANNEL + "', ?)").param(scope).query((rs, i) -> 1).list();
	}

	private static void send(JdbcClient db, String payload) {
		db.sql("select pg_notify('" + CHANNEL + "', ?)").param(payload).query((rs, i) -> 1).list();
	}

	/** A host an admin changed may now take jobs it couldn't before. */
	@EventListener
	void on(HostChanged event) {
		notifyAny(db);
	}

	void subscribe(Consumer<String> subscriber) {
		subscribers.add(subscriber);
	}

	/** Hears the scopes of {@link #notifyRendezvous}, and {@link #RECONNECTED}. */
	void subscribeRendezvous(Consumer<String> subscriber) {
		rendezvousSubscribers.add(subscriber);
	}

	@Override
	public void start() {
		running = true;
		listening = listenerThread.submit(this::listen);
	}

	@Override
	public void stop() {
		running = false;
		if (listening != null) {
			listening.cancel(true);
		}
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	private void listen() {
		long backoffMillis = 100;
		while (running) {
			try (Connection connection = dataSource.getConnection()) {
				try (Statement statement = connection.createStatement()) {
					statement.execute("listen " + CHANNEL);
					statement.execute("listen " + RENDEZVOUS_CHANNEL);
				}
				PGConnection pg = connection.unwrap(PGConnection.class);
				backoffMillis = 100;
				// Whatever was sent while we weren't listening is unknown: let every parked agent look once.
				publish(subscribers, RECONNECTED);
				publish(rendezvousSubscribers, RECONNECTED);
				while (running) {
					PGNotification[] notifications = pg.getNotifications(1000);
					if (notifications != null) {
						for (PGNotification notification : notifications) {
							publish(RENDEZVOUS_CHANNEL.equals(notification.getName()) ? rendezvousSubscribers : subscribers,
									notification.getParameter());
						}
					}
				}
			}
			catch (SQLException ex) {
				if (running) {
					log.warn("Lost the LISTEN connection, retrying in {} ms: {}", backoffMillis, ex.getMessage());
					sleep(backoffMillis);
					backoffMillis = Math.min(backoffMillis * 2, 10_000);
				}
			}
		}
	}

	private static void publish(List<Consumer<String>> subscribers, String payload) {
		for (Consumer<String> subscriber : subscribers) {
			try {
				subscriber.accept(payload);
			}
			catch (RuntimeException ex) {
				log.warn("A job notification subscriber failed", ex);
			}
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}
}
