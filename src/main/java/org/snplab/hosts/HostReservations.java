package org.snplab.hosts;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.ConflictException;
import org.snplab.InvalidInputException;
import org.snplab.NotFoundException;
import org.snplab.NotPermittedException;
import org.snplab.StoredText;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A maintainer reserves a host to debug on it: the host finishes its running jobs, takes no new one, and returns
 * to service by itself when the reservation ends. Whether one holds is a comparison of its end with the injected
 * clock ({@link HostRegistry} reads it so, and {@link Host#takesWork()} says no meanwhile), so nothing has to run at
 * expiry; the scheduling pass's fallback interval places work on the host again within seconds of it.
 */
@Service
public class HostReservations {

	private static final Logger log = LoggerFactory.getLogger(HostReservations.class);

	static final int MAX_REASON = 500;

	private final JdbcClient db;

	private final HostRegistry hosts;

	private final Clock clock;

	private final ReservationProperties properties;

	private final ApplicationEventPublisher events;

	private final HostHistory history;

	HostReservations(JdbcClient db, HostRegistry hosts, Clock clock, ReservationProperties properties,
			ApplicationEventPublisher events, HostHistory history) {
		this.history = history;
		this.db = db;
		this.hosts = hosts;
		this.clock = clock;
		this.properties = properties;
		this.events = events;
	}

	/** Reserves a host nobody has reserved, for {@code minutes} from now; 409 when someone has it. */
	@Transactional
	public Host reserve(long hostId, String user, Integer minutes, String reason) {
		Host host = lock(hostId);
		Instant until = until(minutes);
		String why = reason(reason);
		if (host.reservation() != null) {
			throw new ConflictException("host " + host.name() + " is reserved by " + host.reservation().by()
					+ " until " + host.reservation().until() + "; they (or an admin) may release it");
		}
		write(hostId, user, until, why, null);
		log.info("Host {} reserved by {} until {}: {}", host.name(), user, until, why);
		history.record(hostId, "reserved", user, "reserved until " + until + ": takes no new job until then", why, null);
		return changed(hostId);
	}

	/**
	 * Makes the reservation end {@code minutes} from now (a new reason, if given, replaces the old): only its holder
	 * or an admin may; 409 when the host isn't reserved.
	 */
	@Transactional
	public Host extend(long hostId, String user, boolean admin, Integer minutes, String reason) {
		Host host = lock(hostId);
		Host.Reservation current = held(host, user, admin);
		Instant until = until(minutes);
		String why = reason == null ? current.reason() : reason(reason);
		db.sql("update host_reservation set reserved_until = ?, reason = ? where host_id = ?")
			.params(Timestamp.from(until), why, hostId)
			.update();
		history.record(hostId, "reservation-extended", user, "reservation of " + current.by() + " now ends " + until, why,
				null);
		return changed(hostId);
	}

	/** Ends the reservation now (its holder or an admin): the host takes work again. */
	@Transactional
	public Host release(long hostId, String user, boolean admin) {
		Host host = lock(hostId);
		held(host, user, admin);
		Host.Reservation released = host.reservation();
		db.sql("delete from host_reservation where host_id = ?").param(hostId).update();
		log.info("Host {} released by {}", host.name(), user);
		history.record(hostId, "released", user, "reservation of " + released.by() + " released: takes work again", null,
				null);
		return changed(hostId);
	}

	/**
	 * A failed {@code hold-on-failure} job keeps its host for whoever triggered its run, with the job's workspace
	 * left as it was. A reservation someone already holds is left alone.
	 *
	 * @return whether the host is now held for this job
	 */
	@Transactional
	public boolean holdForFailedJob(long hostId, String user, Duration length, long jobId, String jobName) {
		Instant now = clock.instant();
		boolean held = db.sql("""
				insert into host_reservation (host_id, reserved_by, reason, reserved_until, job_id) values (?, ?, ?, ?, ?)
				on conflict (host_id) do update set reserved_by = excluded.reserved_by, reason = excluded.reason,
				  reserved_until = excluded.reserved_until, job_id = excluded.job_id
				where host_reservation.reserved_until <= ?""")
			.params(hostId, user, "hold-on-failure: job " + jobId + " (" + StoredText.of(jobName) + ") failed", Timestamp.from(now.plus(length)), jobId,
					Timestamp.from(now))
			.update() > 0;
		if (held) {
			history.record(hostId, "held", HostHistory.SNPLAB, "held for " + user + " until " + now.plus(length)
					+ ": job " + jobId + " (" + StoredText.of(jobName) + ") failed, its workspace kept", "hold-on-failure", null);
			changed(hostId);
		}
		return held;
	}

	/** Whom a host is held for after a failed {@code hold-on-failure} job, and until when. */
	public record FailureHold(long hostId, String hostName, String by, Instant until) {
	}

	/** The host still held for this failed job; empty when none is (any more). */
	public Optional<FailureHold> heldFor(long jobId) {
		return db.sql("""
				select h.id, h.name, r.reserved_by, r.reserved_until
				from host_reservation r join host h on h.id = r.host_id where r.job_id = ? and r.reserved_until > ?""")
			.params(jobId, Timestamp.from(clock.instant()))
			.query((rs, i) -> new FailureHold(rs.getLong(1), rs.getString(2), rs.getString(3),
					rs.getTimestamp(4).toInstant()))
			.optional();
	}

	private Host lock(long hostId) {
		if (db.sql("select id from host where id = ? and removed_at is null for update").param(hostId).query(Long.class)
			.optional().isEmpty()) {
			throw new NotFoundException("no host with id " + hostId);
		}
		hosts.forget(hostId);
		return hosts.find(hostId).orElseThrow(() -> new NotFoundException("no host with id " + hostId));
	}

	private static Host.Reservation held(Host host, String user, boolean admin) {
		Host.Reservation current = host.reservation();
		if (current == null) {
			throw new ConflictException("host " + host.name() + " is not reserved");
		}
		if (!admin && !current.by().equals(user)) {
			throw new NotPermittedException("host " + host.name() + " is reserved by " + current.by()
					+ ": only they or an admin may change or release it");
		}
		return current;
	}

	private Instant until(Integer minutes) {
		long max = properties.max().toMinutes();
		if (minutes == null || minutes < 1 || minutes > max) {
			throw new InvalidInputException("\"minutes\" must be between 1 and " + max + " (snplab.reservations.max "
					+ properties.max() + "), got " + minutes);
		}
		// PostgreSQL keeps microseconds: the end shown is the end stored.
		return clock.instant().plus(Duration.ofMinutes(minutes)).truncatedTo(ChronoUnit.MICROS);
	}

	private static String reason(String reason) {
		if (reason == null || reason.isBlank()) {
			throw new InvalidInputException("\"reason\" is required: say why the host is reserved (at most "
					+ MAX_REASON + " characters)");
		}
		if (reason.length() > MAX_REASON) {
			throw new InvalidInputException("\"reason\" is " + reason.length() + " characters long; at most " + MAX_REASON);
		}
		return StoredText.of(reason.strip());
	}

	private void write(long hostId, String user, Instant until, String reason, Long jobId) {
		db.sql("""
				insert into host_reservation (host_id, reserved_by, reason, reserved_until, job_id) values (?, ?, ?, ?, ?)
				on conflict (host_id) do update set reserved_by = excluded.reserved_by, reason = excluded.reason,
				  reserved_until = excluded.reserved_until, job_id = excluded.job_id""")
			.params(hostId, user, reason, Timestamp.from(until), jobId)
			.update();
	}

	/** This instance reads the host afresh; every instance's pass hears of it ({@link HostChanged}). */
	private Host changed(long hostId) {
		hosts.forget(hostId);
		events.publishEvent(new HostChanged(hostId));
		return hosts.find(hostId).orElseThrow(() -> new NotFoundException("no host with id " + hostId));
	}
}
