package org.snplab.hosts;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * One timeline per host: its state changes, power actions, quarantines and what admins did, each with who or what
 * did it and why. Any module adds to it with {@link #record}; every entry is also published as a
 * {@link HostEventRecorded}, so e.g. notifications can react to it.
 */
@Service
public class HostHistory {

	/** What snplab itself does (quarantine, recovery) is recorded with this actor. */
	public static final String SNPLAB = "snplab";

	private final JdbcClient db;

	private final Clock clock;

	private final ApplicationEventPublisher events;

	HostHistory(JdbcClient db, Clock clock, ApplicationEventPublisher events) {
		this.db = db;
		this.clock = clock;
		this.events = events;
	}

	/**
	 * Adds an entry to the host's timeline, at the clock's time.
	 *
	 * @param kind a short word for the kind of entry, e.g. {@code power-cycle}, {@code quarantined}, {@code drain}
	 * @param actor the user, or {@link #SNPLAB}
	 * @param summary one line: what happened
	 * @param reason why, as given; may be null
	 * @param detail more, e.g. the BMC's answer; may be null
	 */
	public HostEvent record(long hostId, String kind, String actor, String summary, String reason, String detail) {
		Instant at = clock.instant();
		long id = db.sql("""
				insert into host_event (host_id, at, kind, actor, summary, reason, detail)
				values (?, ?, ?, ?, ?, ?, ?) returning id""")
			.params(hostId, Timestamp.from(at), kind, actor, summary, reason, detail)
			.query(Long.class)
			.single();
		HostEvent event = new HostEvent(id, hostId, at, kind, actor, summary, reason, detail);
		events.publishEvent(new HostEventRecorded(event));
		return event;
	}

	/** The host's timeline, newest first, at most {@code limit} entries. */
	public List<HostEvent> timeline(long hostId, int limit) {
		return db.sql("""
				select id, host_id, at, kind, actor, summary, reason, detail from host_event
				where host_id = ? order by at desc, id desc limit ?""")
			.params(hostId, limit)
			.query((rs, i) -> new HostEvent(rs.getLong(1), rs.getLong(2), rs.getTimestamp(3).toInstant(),
					rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8)))
			.list();
	}

	/** How many entries of this kind and actor the host got since then, e.g. automatic power cycles in a day. */
	public int count(long hostId, String kind, String actor, Instant since) {
		return db.sql("select count(*) from host_event where host_id = ? and kind = ? and actor = ? and at >= ?")
			.params(hostId, kind, actor, Timestamp.from(since))
			.query(Integer.class)
			.single();
	}

	/** When the host last got an entry of this kind and actor at or after {@code since}, if it did. */
	public Optional<Instant> latest(long hostId, String kind, String actor, Instant since) {
		return db.sql("select max(at) from host_event where host_id = ? and kind = ? and actor = ? and at >= ?")
			.params(hostId, kind, actor, Timestamp.from(since))
			.query((rs, i) -> rs.getTimestamp(1) == null ? null : rs.getTimestamp(1).toInstant())
			.optional();
	}

	/** One entry of a host's timeline. */
	public record HostEvent(long id, long hostId, Instant at, String kind, String actor, String summary, String reason,
			String detail) {
	}

	/** An entry was added to a host's timeline (in the transaction that added it, if any). */
	public record HostEventRecorded(HostEvent event) {
	}
}
