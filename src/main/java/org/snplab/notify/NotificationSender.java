package org.snplab.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.AfterCommit;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.task.TaskExecutor;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends the {@code notification} outbox (a JSON POST to the webhook, or a mail through Spring Mail), oldest first, one row at a time under {@code FOR UPDATE SKIP LOCKED}: a row
 * is POSTed by one server instance only and marked sent in the same transaction, so it is never sent twice (unless
 * the database fails between the webhook's answer and the commit). A failed POST is retried with exponential
 * backoff (2 s doubling, at most 10 min), never dropped. Kicked after the commit that wrote a row; a Quartz job
 * ({@link NotifySchedules}) drains what a kick missed.
 */
@Component
class NotificationSender {

	private static final Logger log = LoggerFactory.getLogger(NotificationSender.class);

	private static final TypeReference<Map<String, Object>> FIELDS = new TypeReference<>() {
	};

	private final JdbcClient db;

	private final TransactionTemplate transactions;

	private final JsonMapper json;

	private final NotifyProperties properties;

	/** Spring Mail's sender, present when {@code spring.mail.host} is set. */
	private final JavaMailSender mail;

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private final AfterCommit background;

	NotificationSender(JdbcClient db, TransactionTemplate transactions, JsonMapper json, NotifyProperties properties,
			ObjectProvider<JavaMailSender> mail, @Qualifier("notificationsThread") TaskExecutor thread) {
		this.background = new AfterCommit(thread, this::drainQuietly);
		this.db = db;
		this.transactions = transactions;
		this.json = json;
		this.properties = properties;
		this.mail = properties.email().isEmpty() ? null : mail.getIfAvailable();
		if (!properties.email().isEmpty() && this.mail == null) {
			log.warn("snplab.notify.email is set but spring.mail.host is not: no notification is mailed");
		}
	}

	/** The channels configured: {@code webhook} and {@code email}. */
	List<String> channels() {
		List<String> channels = new ArrayList<>();
		if (properties.webhook()) {
			channels.add("webhook");
		}
		if (mail != null) {
			channels.add("email");
		}
		return channels;
	}

	/** Drains the outbox in the background once the current transaction commits (at once outside one). */
	void kickAfterCommit() {
		background.kick();
	}

	private void drainQuietly() {
		drain();
	}

	/** Sends every row that is due; returns how many were tried. */
	int drain() {
		String[] channels = channels().toArray(String[]::new);
		if (channels.length == 0) {
			return 0;
		}
		int handled = 0;
		while (Boolean.TRUE.equals(transactions.execute(tx -> sendNext(channels)))) {
			handled++;
		}
		return handled;
	}

	private boolean sendNext(String[] channels) {
		Optional<Row> next = db.sql("""
				select id, channel, event, text, fields::text, attempts from notification
				where sent_at is null and next_attempt_at <= now() and channel = any(?)
				order by id limit 1 for update skip locked""")
			.param(channels)
			.query((rs, i) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
					rs.getInt(6)))
			.optional();
		if (next.isEmpty()) {
			return false;
		}
		Row row = next.get();
		try {
			if (row.channel.equals("email")) {
				mail(row);
			}
			else {
				post(row);
			}
			db.sql("update notification set sent_at = now(), attempts = attempts + 1 where id = ?").param(row.id).update();
		}
		catch (IOException | RuntimeException ex) {
			long backoffSeconds = Math.min(600, 2L << Math.min(row.attempts, 10));
			log.warn("Notification {} ({} by {}) not sent (attempt {}), retrying in {} s: {}", row.id, row.event,
					row.channel, row.attempts + 1, backoffSeconds, ex.getMessage());
			db.sql("""
					update notification set attempts = attempts + 1, last_error = ?,
					  next_attempt_at = now() + make_interval(secs => ?) where id = ?""")
				.params(String.valueOf(ex.getMessage()), backoffSeconds, row.id)
				.update();
			// One failure ends this drain: the channel is likely down for the rows behind it too.
			return false;
		}
		return true;
	}

	/** {@code text} is what Slack, Mattermost and Matrix hooks show; {@code snplab} carries the same for machines. */
	private void post(Row row) throws IOException {
		Map<String, Object> structured = new LinkedHashMap<>();
		structured.put("event", row.event);
		structured.put("id", row.id);
		structured.putAll(json.readValue(row.fields, FIELDS));
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("text", row.text);
		body.put("snplab", structured);
		HttpRequest request = HttpRequest.newBuilder(URI.create(properties.url()))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
			.build();
		try {
			HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() / 100 != 2) {
				throw new IOException("the webhook answered HTTP " + response.statusCode() + ": "
						+ response.body().lines().findFirst().orElse(""));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted", ex);
		}
	}

	/** A plain-text mail: the text as subject and first line, the fields below it. */
	private void mail(Row row) {
		SimpleMailMessage message = new SimpleMailMessage();
		message.setFrom(properties.emailFrom());
		message.setTo(properties.email().toArray(String[]::new));
		message.setSubject("[snplab] " + (row.text.length() <= 150 ? row.text : row.text.substring(0, 149) + "…"));
		StringBuilder body = new StringBuilder(row.text).append("\n\n");
		json.readValue(row.fields, FIELDS).forEach((key, value) -> body.append(key).append(": ").append(value).append('\n'));
		message.setText(body.toString());
		mail.send(message);
	}

	private record Row(long id, String channel, String event, String text, String fields, int attempts) {
	}
}
