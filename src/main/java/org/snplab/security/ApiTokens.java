package org.snplab.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.snplab.ConflictException;
import org.snplab.InvalidInputException;
import org.snplab.NotFoundException;
import org.snplab.StoredText;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * API tokens: a user makes one ({@code POST /api/tokens}, or the dashboard's tokens page) for a script or the
 * {@code ctl} CLI, which then sends {@code Authorization: Bearer <token>}. The token is shown once; only its SHA-256 is
 * kept. It acts with its user's role as it is at each use, until revoked.
 */
@Service
public class ApiTokens {

	/** Tokens start with this, so they are recognisable in a leaked file or a secret scanner's rule. */
	static final String PREFIX = "snplab_";

	/** How often a token's last use is written: not on every request of a busy script. */
	private static final Duration LAST_USED_PRECISION = Duration.ofMinutes(1);

	private static final int MAX_PER_USER = 100;

	private final SecureRandom random = new SecureRandom();

	private final JdbcClient db;

	private final Clock clock;

	ApiTokens(JdbcClient db, Clock clock) {
		this.db = db;
		this.clock = clock;
	}

	/** A token as its user sees it listed: never the token itself. */
	public record TokenView(long id, String name, Instant createdAt, Instant lastUsedAt) {
	}

	/** A new token and its id; the token is in no other answer, ever. */
	public record NewToken(long id, String name, String token) {
	}

	/** A user a token acts for, with the role they have now. */
	record Holder(String user, String role) {
	}

	public NewToken create(String user, String name) {
		String checked = name == null ? "" : name.strip();
		if (checked.isEmpty() || checked.length() > 100) {
			throw new InvalidInputException("\"name\" must be 1 to 100 characters, e.g. {\"name\": \"ci\"}");
		}
		checked = StoredText.of(checked);
		int live = db.sql("select count(*) from api_token where user_name = ? and revoked_at is null")
			.param(user)
			.query(Integer.class)
			.single();
		if (live >= MAX_PER_USER) {
			throw new ConflictException(user + " already has " + live + " tokens: revoke some first");
		}
		byte[] bytes = new byte[32];
		random.nextBytes(bytes);
		String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
		long id = db.sql("""
				insert into api_token (user_name, name, token_sha256, created_at) values (?, ?, ?, ?) returning id""")
			.params(user, checked, sha256(token), Timestamp.from(clock.instant()))
			.query(Long.class)
			.single();
		return new NewToken(id, checked, token);
	}

	/** The user's tokens that still work, newest first. */
	public List<TokenView> list(String user) {
		return db.sql("""
				select id, name, created_at, last_used_at from api_token where user_name = ? and revoked_at is null
				order by id desc""")
			.param(user)
			.query((rs, i) -> new TokenView(rs.getLong(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
					rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant()))
			.list();
	}

	/**
	 * Revokes a token of that user's; an admin may revoke anyone's.
	 *
	 * @throws NotFoundException when there is no such token the user may revoke
	 */
	public void revoke(String user, boolean admin, long id) {
		int revoked = db.sql("""
				update api_token set revoked_at = ? where id = ? and revoked_at is null and (user_name = ? or ?)""")
			.params(Timestamp.from(clock.instant()), id, user, admin)
			.update();
		if (revoked == 0) {
			throw new NotFoundException("no token " + id + (admin ? "" : " of " + user));
		}
	}

	/** Who a bearer token acts for, if it is a live token of an existing user. */
	Optional<Holder> holderOf(String token) {
		if (token == null || !token.startsWith(PREFIX) || token.length() > 200) {
			return Optional.empty();
		}
		Instant now = clock.instant();
		Optional<Holder> holder = db.sql("""
				update api_token t set last_used_at = :now
				from app_user u
				where t.token_sha256 = :hash and t.revoked_at is null and u.name = t.user_name
				  and (t.last_used_at is null or t.last_used_at < :stale)
				returning u.name, u.role""")
			.param("now", Timestamp.from(now))
			.param("hash", sha256(token))
			.param("stale", Timestamp.from(now.minus(LAST_USED_PRECISION)))
			.query((rs, i) -> new Holder(rs.getString(1), rs.getString(2)))
			.optional();
		if (holder.isPresent()) {
			return holder;
		}
		// Used within the last minute: nothing to write.
		return db.sql("""
				select u.name, u.role from api_token t join app_user u on u.name = t.user_name
				where t.token_sha256 = ? and t.revoked_at is null""")
			.param(sha256(token))
			.query((rs, i) -> new Holder(rs.getString(1), rs.getString(2)))
			.optional();
	}

	private static String sha256(String token) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every JDK has SHA-256", ex);
		}
	}
}
