package org.snplab.queue;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.ConflictException;
import org.snplab.InvalidInputException;
import org.snplab.NotFoundException;
import org.snplab.RefusedException;
import org.snplab.TooLargeException;
import org.snplab.hosts.Host;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * The rendezvous between the roles of a multi-host job (a gang), LAVA's {@code lava-send}/{@code lava-wait}: a
 * role's step sends {@code KEY VALUE} ({@code snplab-send}), another role's step waits for a role's key
 * ({@code snplab-wait}). Messages are scoped to the gang's attempt (its roles share one): a retried gang never sees
 * what its previous attempt sent. Only the agent running a role's current attempt may send or wait for it.
 * <p>
 * A wait for a message not sent yet is parked (no servlet thread held) until a send's {@code NOTIFY} on
 * {@value JobNotifications#RENDEZVOUS_CHANNEL} reaches the instance holding it, or until its wait ends empty and
 * the agent asks again.
 */
@Component
class Rendezvous implements DisposableBean, SmartLifecycle {

	/** The longest a wait is parked before it is answered "not yet" (204). */
	static final Duration MAX_WAIT = Duration.ofSeconds(25);

	static final int MAX_VALUE_BYTES = 64 * 1024;

	/** Keys one role may send in one attempt: the table stays small whatever a step does. */
	static final int MAX_KEYS_PER_ROLE = 1000;

	private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

	private static final Logger log = LoggerFactory.getLogger(Rendezvous.class);

	private final JdbcClient db;

	private final TransactionTemplate transactions;

	private final Clock clock;

	/** Parked waits by their gang's scope ({@link Scope#channelKey()}). */
	private final Map<String, Queue<Waiter>> waiters = new ConcurrentHashMap<>();

	/** Set when the server starts to shut down: waits are no longer parked here. */
	private volatile boolean stopping;

	private volatile boolean running;

	private final ExecutorService lookers = Executors.newFixedThreadPool(2, runnable -> {
		Thread thread = new Thread(runnable, "snplab-rendezvous");
		thread.setDaemon(true);
		return thread;
	});

	Rendezvous(JdbcClient db, TransactionTemplate transactions, Clock clock, JobNotifications notifications) {
		this.db = db;
		this.transactions = transactions;
		this.clock = clock;
		notifications.subscribeRendezvous(this::wake);
	}

	/**
	 * The running attempt of a role of a gang: its run, gang, role, attempt and the gang's roles.
	 */
	record Scope(long jobId, String jobName, long runId, String gang, String role, int attempt, List<String> roles) {

		/** What a send notifies and parked waits are filed under. */
		String channelKey() {
			return channelKey(runId, attempt, gang);
		}

		static String channelKey(long runId, int attempt, String gang) {
			return runId + "/" + attempt + "/" + gang;
		}
	}

	/**
	 * Stores what this role sends. The same value again is accepted and changes nothing.
	 * @throws ConflictException when this role already sent another value under this key in this attempt
	 */
	void send(long jobId, int attempt, Host host, String key, String value) {
		checkKey(key);
		checkValue(key, value);
		Scope scope = scopeOf(jobId, attempt, host, "snplab-send");
		transactions.executeWithoutResult(tx -> {
			// One sender per role's attempt (the job's lock): the count and the insert below don't race each other.
			db.sql("select 1 from job where id = ? for update").param(jobId).query((rs, i) -> 1).list();
			Optional<String> sent = read(scope, scope.role(), key);
			if (sent.isPresent()) {
				if (!sent.get().equals(value)) {
					throw new ConflictException("role " + scope.role() + " of " + scope.gang() + " already sent "
							+ key + " in attempt " + attempt + " with another value (" + abbreviate(sent.get())
							+ "); a key is sent once per attempt");
				}
				return;
			}
			int keys = db.sql("""
					select count(*) from rendezvous_message
					where run_id = ? and gang = ? and attempt = ? and role = ?""")
				.params(scope.runId(), scope.gang(), attempt, scope.role())
				.query(Integer.class)
				.single();
			if (keys >= MAX_KEYS_PER_ROLE) {
				throw new ConflictException("role " + scope.role() + " of " + scope.gang() + " already sent "
						+ keys + " keys in attempt " + attempt + ", the most one role may");
			}
			db.sql("""
					insert into rendezvous_message (run_id, gang, attempt, role, key, value, sent_at)
					values (?, ?, ?, ?, ?, ?, ?)""")
				.params(scope.runId(), scope.gang(), attempt, scope.role(), key, value,
						Timestamp.from(clock.instant()))
				.update();
			// Delivered at commit: whoever is woken finds the message.
			JobNotifications.notifyRendezvous(db, scope.channelKey());
		});
	}

	/**
	 * The value {@code role} of this job's gang sent under {@code key} in this attempt: at once if it was sent
	 * (200 {@code {"value": ...}}), else once it is, within {@code wait} (a {@link DeferredResult}); 204 when it
	 * wasn't sent in that time.
	 */
	Object await(long jobId, int attempt, Host host, String role, String key, Duration wait) {
		checkKey(key);
		if (role == null || role.isBlank()) {
			throw new InvalidInputException("role is missing: snplab-wait ROLE KEY");
		}
		Scope scope = scopeOf(jobId, attempt, host, "snplab-wait");
		if (!scope.roles().contains(role)) {
			throw new InvalidInputException(scope.gang() + " has no role '" + role + "'; its roles: "
					+ String.join(", ", scope.roles()));
		}
		Optional<String> now = read(scope, role, key);
		if (now.isPresent()) {
			return ResponseEntity.ok(Map.of("value", now.get()));
		}
		if (wait.isZero() || stopping) {
			// Shutting down: the agent asks again at once, through the proxy, another instance.
			return ResponseEntity.noContent().build();
		}
		DeferredResult<ResponseEntity<?>> result = new DeferredResult<>(wait.toMillis(),
				() -> ResponseEntity.noContent().build());
		Waiter waiter = new Waiter(jobId, attempt, host, role, key, scope.channelKey(), result);
		Queue<Waiter> parked = waiters.computeIfAbsent(waiter.channelKey, k -> new ConcurrentLinkedQueue<>());
		parked.add(waiter);
		result.onCompletion(() -> forget(waiter));
		result.onError(error -> forget(waiter));
		// A message sent between the read above and parking would otherwise wait for the next notification.
		lookers.execute(() -> look(waiter));
		return result;
	}

	/** How many waits are parked on this instance. */
	int parkedWaits() {
		return waiters.values().stream().mapToInt(Queue::size).sum();
	}

	private void wake(String payload) {
		if (JobNotifications.RECONNECTED.equals(payload)) {
			// What was sent while we weren't listening is unknown: every parked wait looks once.
			waiters.values().forEach(parked -> parked.forEach(waiter -> lookers.execute(() -> look(waiter))));
			return;
		}
		Queue<Waiter> parked = waiters.get(payload);
		if (parked != null) {
			parked.forEach(waiter -> lookers.execute(() -> look(waiter)));
		}
	}

	/** Answers a parked wait if its message is there now, or its attempt is no longer running on its host. */
	private void look(Waiter waiter) {
		if (waiter.result.isSetOrExpired()) {
			return;
		}
		try {
			Scope scope = scopeOf(waiter.jobId, waiter.attempt, waiter.host, "snplab-wait");
			read(scope, waiter.role, waiter.key)
				.ifPresent(value -> waiter.result.setResult(ResponseEntity.ok(Map.of("value", value))));
		}
		catch (RefusedException ex) {
			waiter.result.setErrorResult(ex);
		}
		catch (RuntimeException ex) {
			log.warn("Looking for the rendezvous message of a parked wait failed; it is looked for again at the next "
					+ "message of its gang or when the agent asks again", ex);
		}
	}

	private void forget(Waiter waiter) {
		waiters.computeIfPresent(waiter.channelKey, (key, parked) -> {
			parked.remove(waiter);
			return parked.isEmpty() ? null : parked;
		});
	}

	private Optional<String> read(Scope scope, String role, String key) {
		return db.sql("""
				select value from rendezvous_message
				where run_id = ? and gang = ? and attempt = ? and role = ? and key = ?""")
			.params(scope.runId(), scope.gang(), scope.attempt(), role, key)
			.query(String.class)
			.optional();
	}

	/**
	 * The gang of this job's attempt, checked: the job exists, is a role of a multi-host job, this attempt is its
	 * current one and runs on this host.
	 */
	Scope scopeOf(long jobId, int attempt, Host host, String command) {
		record Row(String name, long runId, String gang, String role, int attempt, String state, Long hostId) {
		}
		Row job = db.sql("select name, run_id, gang, role, attempt, state, host_id from job where id = ?")
			.param(jobId)
			.query((rs, i) -> new Row(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getInt(5),
					rs.getString(6), (Long) rs.getObject(7)))
			.optional()
			.orElseThrow(() -> new NotFoundException("no job " + jobId));
		if (job.gang() == null) {
			throw new InvalidInputException("job " + jobId + " (" + job.name() + ") is not a multi-host job: "
					+ command + " is for the roles of a pipeline job with roles:");
		}
		if (job.attempt() != attempt) {
			throw new ConflictException("job " + jobId + " (" + job.name() + ") attempt " + attempt
					+ " is over: its gang " + job.gang() + " is on attempt " + job.attempt()
					+ " now (retried); a new attempt sees none of an old one's messages");
		}
		boolean running = (JobState.RUNNING.value().equals(job.state()) || JobState.ASSIGNED.value().equals(job.state()))
				&& job.hostId() != null && job.hostId() == host.id();
		if (!running) {
			throw new ConflictException("job " + jobId + " (" + job.name() + ") attempt " + attempt
					+ " is not running on host " + host.name() + " (it finished, was canceled or runs elsewhere)");
		}
		List<String> roles = db.sql("select role from job where run_id = ? and gang = ? order by role")
			.params(job.runId(), job.gang())
			.query(String.class)
			.list();
		return new Scope(jobId, job.name(), job.runId(), job.gang(), job.role(), attempt, roles);
	}

	private static void checkKey(String key) {
		if (key == null) {
			throw new InvalidInputException("key is missing");
		}
		if (!KEY.matcher(key).matches()) {
			throw new InvalidInputException("key '" + abbreviate(key) + "' is not a key: 1 to 100 of A-Z a-z 0-9 _ . -");
		}
	}

	private static void checkValue(String key, String value) {
		if (value == null) {
			throw new InvalidInputException("value of " + key + " is missing");
		}
		int bytes = value.getBytes(StandardCharsets.UTF_8).length;
		if (bytes > MAX_VALUE_BYTES) {
			throw new TooLargeException("value of " + key + " is " + bytes
					+ " bytes; at most " + MAX_VALUE_BYTES);
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '\0') {
				throw new InvalidInputException("value of " + key + " holds a NUL character at " + i
						+ ": values are text");
			}
			if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
				i++;
			}
			else if (Character.isSurrogate(c)) {
				throw new InvalidInputException("value of " + key + " holds an unpaired surrogate at " + i
						+ ": values are text (UTF-8)");
			}
		}
	}

	private static String abbreviate(String text) {
		return text.length() > 100 ? text.substring(0, 100) + "…" : text;
	}

	@Override
	public void start() {
		stopping = false;
		running = true;
	}

	/**
	 * A graceful shutdown first answers every parked wait "not yet", so that its agent asks another instance at
	 * once instead of holding this one's shutdown open. Runs before the web server's graceful shutdown.
	 */
	@Override
	public void stop() {
		stopping = true;
		waiters.values().forEach(parked -> parked.forEach(waiter -> waiter.result.setResult(ResponseEntity.noContent().build())));
		running = false;
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	@Override
	public int getPhase() {
		return Integer.MAX_VALUE;
	}

	@Override
	public void destroy() {
		lookers.shutdownNow();
	}

	private static final class Waiter {

		final long jobId;

		final int attempt;

		final Host host;

		final String role;

		final String key;

		final String channelKey;

		final DeferredResult<ResponseEntity<?>> result;

		Waiter(long jobId, int attempt, Host host, String role, String key, String channelKey,
				DeferredResult<ResponseEntity<?>> result) {
			this.jobId = jobId;
			this.attempt = attempt;
			this.host = host;
			this.role = role;
			this.key = key;
			this.channelKey = channelKey;
			this.result = result;
		}
	}
}
