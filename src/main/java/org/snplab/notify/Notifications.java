package org.snplab.notify;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.snplab.hosts.HostHistory;
import org.snplab.hosts.HostRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.snplab.hosts.QuarantineStopped;
import org.snplab.queue.JobsUnmatched;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Writes notifications to the {@code notification} outbox, in the caller's transaction if there is one, so none is
 * lost between the event and the webhook; {@link NotificationSender} sends them afterwards. Host timeline entries
 * of the kinds admins must hear about (quarantined, back in service) become notifications by themselves.
 */
@Service
public class Notifications {

	/** Timeline entries that are notified. */
	private static final Set<String> NOTIFIED_KINDS = Set.of("quarantined", "back-in-service");

	private final JdbcClient db;

	private final JsonMapper json;

	private final NotificationSender sender;

	private final HostRegistry hosts;

	Notifications(JdbcClient db, JsonMapper json, NotificationSender sender, HostRegistry hosts) {
		this.db = db;
		this.hosts = hosts;
		this.json = json;
		this.sender = sender;
	}

	/**
	 * Queues a notification for each channel configured ({@code snplab.notify.url}, {@code snplab.notify.email}).
	 *
	 * @param event a short name, e.g. {@code host-quarantined}, {@code power-cycle-failed}
	 * @param text one line for people: the webhook's {@code text}
	 * @param fields the same, structured, for machines
	 */
	public void send(String event, String text, Map<String, Object> fields) {
		List<String> channels = sender.channels();
		for (String channel : channels) {
			db.sql("insert into notification (channel, event, text, fields) values (?, ?, ?, ?::jsonb)")
				.params(channel, event, text, json.writeValueAsString(fields))
				.update();
		}
		if (!channels.isEmpty()) {
			sender.kickAfterCommit();
		}
	}

	/** The fleet's quarantine cap kept a failing host in service ({@code snplab.health.max-unhealthy}). */
	@EventListener
	void on(QuarantineStopped stopped) {
		send("quarantine-cap-reached", "Quarantine stopped: " + stopped.out() + " of " + stopped.enabled()
				+ " hosts already out, so " + stopped.hostName() + " stays in service although it fails (" + stopped.reason()
				+ ") — a broken test, kernel or firmware?",
				fields("host", stopped.hostName(), "hostId", stopped.hostId(), "out", stopped.out(), "enabled",
						stopped.enabled(), "reason", stopped.reason()));
	}

	/** Jobs no enabled host can run have waited over an hour: told once a day per requirement set. */
	@EventListener
	void on(JobsUnmatched unmatched) {
		boolean toldToday = db.sql("""
				select exists (select 1 from notification where event = 'jobs-unmatched'
				  and fields ->> 'requiresId' = ? and created_at > now() - interval '1 day')""")
			.param(Long.toString(unmatched.requiresId()))
			.query(Boolean.class)
			.single();
		if (toldToday) {
			return;
		}
		send("jobs-unmatched", unmatched.jobs() + " job(s) waiting since " + unmatched.oldestQueuedAt()
				+ " that no enabled host can run: none has " + unmatched.requires(),
				fields("requiresId", Long.toString(unmatched.requiresId()), "requires", unmatched.requires(), "jobs",
						unmatched.jobs(), "oldestQueuedAt", unmatched.oldestQueuedAt().toString()));
	}

	@EventListener
	void on(HostHistory.HostEventRecorded recorded) {
		HostHistory.HostEvent event = recorded.event();
		if (!NOTIFIED_KINDS.contains(event.kind())) {
			return;
		}
		String name = hosts.names(List.of(event.hostId())).getOrDefault(event.hostId(), "#" + event.hostId());
		send("host-" + event.kind(), "Host " + name + ": " + event.summary() + " (by " + event.actor()
				+ (event.reason() == null ? "" : ": " + event.reason()) + ")",
				fields("host", name, "hostId", event.hostId(), "actor", event.actor(), "reason", event.reason(), "at",
						event.at().toString()));
	}

	private static Map<String, Object> fields(Object... pairs) {
		Map<String, Object> map = new LinkedHashMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			map.put((String) pairs[i], pairs[i + 1]);
		}
		return map;
	}
}
