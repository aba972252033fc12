package org.snplab.github;

import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The {@code github_delivery} table: every delivery that reached us, and the queue of accepted ones. */
@Component
class Deliveries {

	private static final int MAX_OUTCOME = 2000;

	private final JdbcClient db;

	Deliveries(JdbcClient db) {
		this.db = db;
	}

	record Accepted(long id, String event, String repository, String payload, int attempts) {
	}

	/** Logs a delivery we refused; it is never processed. */
	void refused(String deliveryId, String event, String repository, int status, String why) {
		db.sql("insert into github_delivery (delivery_id, event, repository, status, outcome) values (?, ?, ?, ?, ?)")
			.params(deliveryId, event, repository, status, clip(why))
			.update();
	}

	/**
	 * Stores an accepted delivery with its payload, in one statement, before we answer.
	 * @return false when this delivery id was accepted before (a redelivery), which is then only logged
	 */
	boolean accept(String deliveryId, String event, String repository, String payload) {
		int inserted = db.sql("""
				insert into github_delivery (delivery_id, event, repository, status, outcome, payload)
				values (?, ?, ?, 200, 'accepted', ?)
				on conflict (delivery_id) where payload is not null do nothing""")
			.params(deliveryId, event, repository, payload)
			.update();
		if (inserted == 0) {
			refused(deliveryId, event, repository, 200, "redelivery of an accepted delivery: nothing done again");
		}
		return inserted > 0;
	}

	/** The oldest accepted delivery due for processing, locked for this transaction; other instances skip it. */
	Optional<Accepted> lockNext() {
		return db.sql("""
				select id, event, repository, payload, attempts from github_delivery
				where payload is not null and processed_at is null and next_attempt_at <= now()
				order by id limit 1 for update skip locked""")
			.query((rs, i) -> new Accepted(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5)))
			.optional();
	}

	/**
	 * Deliveries of one repository are processed one at a time, across server instances, so a push sees the run of
	 * the push before it (to supersede it) even when two processors picked them up together.
	 */
	void lockRepository(String repository) {
		db.sql("select pg_advisory_xact_lock(hashtext(?))").param("snplab-github:" + repository).query((rs, i) -> 1).list();
	}

	void processed(long id, String outcome) {
		db.sql("update github_delivery set processed_at = now(), outcome = ? where id = ?").params(clip(outcome), id).update();
	}

	/**
	 * Processing threw (database trouble, a bug, a field PostgreSQL can't store): try again later (5 s, 10 s, 20 s...),
	 * and give up after {@code maxAttempts}. Until then the row is not due, so the deliveries after it go first.
	 */
	void failed(long id, String error, int maxAttempts) {
		db.sql("""
				update github_delivery set attempts = attempts + 1, outcome = ?,
				  next_attempt_at = now() + make_interval(secs => 5 * power(2, least(attempts, 12))),
				  processed_at = case when attempts + 1 >= ? then now() end
				where id = ?""")
			.params(clip("failed: " + error), maxAttempts, id)
			.update();
	}

	/**
	 * What goes into {@code outcome}: at most {@link #MAX_OUTCOME} characters, without what a PostgreSQL text can't
	 * hold. An error's text quotes the payload, NUL bytes included; refusing to record it would leave the delivery due
	 * for ever, taken first again and again.
	 */
	static String clip(String text) {
		if (text == null) {
			return null;
		}
		StringBuilder clean = new StringBuilder(Math.min(text.length(), MAX_OUTCOME));
		text.codePoints().limit(MAX_OUTCOME + 1).forEach(c -> {
			if (c == 0) {
				clean.append("\\0");
			}
			else if (Character.isSurrogate((char) c) && Character.isBmpCodePoint(c)) {
				clean.append('\uFFFD'); // a lone surrogate: no UTF-8 for it
			}
			else {
				clean.appendCodePoint(c);
			}
		});
		if (clean.length() > MAX_OUTCOME) {
			int end = Character.isLowSurrogate(clean.charAt(MAX_OUTCOME)) ? MAX_OUTCOME - 1 : MAX_OUTCOME;
			clean.setLength(end); // never half a pair
		}
		return clean.toString();
	}
}
