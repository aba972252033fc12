package org.snplab.repositories;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.git.CloneUrls;
import org.snplab.secrets.SecretEncryptor;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The repositories snplab serves: those of {@code snplab.repositories} in application.yml, overlaid by the rows of
 * {@code github_repository} that admins write through {@link RepositoryAdministration}. A row with a configured name
 * (case-insensitive) replaces that entry, taking the configured clone URL, secret and token where it has none; other rows add
 * repositories. Read through a cache (Caffeine) of {@link #MAX_AGE}: writes here invalidate it at once, other server
 * instances see them within that time. Webhook secrets and tokens are stored encrypted ({@link SecretEncryptor}); one
 * that can't be decrypted is reported in the log once and served as unreadable, never as another secret.
 */
@Service
public class Repositories {

	static final Duration MAX_AGE = Duration.ofSeconds(2);

	private static final Logger log = LoggerFactory.getLogger(Repositories.class);

	private final RepositoriesProperties properties;

	private final JdbcClient db;

	private final SecretEncryptor encryptor;

	/** One entry: everything, read in one query; concurrent readers of an expired snapshot wait for one load. */
	private final LoadingCache<Boolean, Snapshot> snapshot = Caffeine.newBuilder()
		.expireAfterWrite(MAX_AGE)
		.build(all -> load());

	/** The unreadable secrets the log has been told about. */
	private volatile Set<String> reported = Set.of();

	Repositories(RepositoriesProperties properties, JdbcClient db, SecretEncryptor encryptor) {
		this.properties = properties;
		this.db = db;
		this.encryptor = encryptor;
	}

	/** The repository of that full name ({@code owner/name}); GitHub names are case-insensitive. */
	public Optional<Repository> find(String fullName) {
		return entry(fullName).map(Entry::repository);
	}

	/** Every repository served: the configured ones in their order (overrides in place), then added ones by name. */
	public List<Repository> all() {
		return current().entries.stream().map(Entry::repository).toList();
	}

	/** Like {@link #all()}, with where each one comes from. */
	List<Entry> entries() {
		return current().entries;
	}

	/** Like {@link #find}, with where it comes from and whether its stored secrets can be decrypted. */
	public Optional<Entry> entry(String fullName) {
		if (fullName == null) {
			return Optional.empty();
		}
		return Optional.ofNullable(current().byName.get(fullName.toLowerCase(Locale.ROOT)));
	}

	/** The application.yml entry of that name, ignoring the database. */
	Optional<Repository> configured(String fullName) {
		return properties.repository(fullName);
	}

	/**
	 * Inserts or replaces the row of {@code repository.name()}, its secret and token encrypted; a null secret or token
	 * keeps the row's current one (and otherwise falls back to the configured one when read).
	 *
	 * @param cloneUrl the clone URL as given, null for the configured one, else GitHub's (the record always has one)
	 */
	void save(Repository repository, String cloneUrl) {
		try {
			db.sql("""
					insert into github_repository (name, clone_url, webhook_secret, token, protected_branches,
					  trusted_users, approve_label, reapprove_on_push)
					values (?, ?, ?, ?, ?, ?, ?, ?)
					on conflict ((lower(name))) do update set name = excluded.name, clone_url = excluded.clone_url,
					  webhook_secret = coalesce(excluded.webhook_secret, github_repository.webhook_secret),
					  token = coalesce(excluded.token, github_repository.token),
					  protected_branches = excluded.protected_branches, trusted_users = excluded.trusted_users,
					  approve_label = excluded.approve_label, reapprove_on_push = excluded.reapprove_on_push,
					  updated_at = now()""")
				.params(repository.name(), encryptor.encrypt(cloneUrl), encryptor.encrypt(repository.webhookSecret()),
						encryptor.encrypt(repository.token()), repository.protectedBranches().toArray(String[]::new),
						repository.trustedUsers().toArray(String[]::new), repository.approveLabel(),
						repository.reapproveOnPush())
				.update();
		}
		finally {
			invalidate();
		}
	}

	/** @return whether there was a row to delete */
	boolean delete(String fullName) {
		try {
			return db.sql("delete from github_repository where lower(name) = lower(?)").param(fullName).update() > 0;
		}
		finally {
			invalidate();
		}
	}

	void invalidate() {
		snapshot.invalidateAll();
	}

	/** What to say, to an admin or a webhook's sender, about a stored webhook secret or token this key can't decrypt. */
	public static String whyUnreadable(String what, String fullName) {
		return "the " + what + " stored for " + fullName + " can't be decrypted with this server's secrets key (it "
				+ "changed or was lost): an admin must enter it again (/repositories or PUT /api/repositories/" + fullName
				+ "), or restore the key it was saved with (snplab.secrets-key, else <data-dir>/secrets.key)";
	}

	private Snapshot current() {
		return snapshot.get(Boolean.TRUE);
	}

	private Snapshot load() {
		List<Row> rows = db.sql("""
				select name, clone_url, webhook_secret, token, protected_branches, trusted_users, approve_label,
				  reapprove_on_push from github_repository order by lower(name)""")
			.query(this::row)
			.list();
		Map<String, Row> stored = rows.stream()
			.collect(Collectors.toMap(row -> row.name.toLowerCase(Locale.ROOT), Function.identity(), (a, b) -> a));
		List<Entry> entries = new ArrayList<>();
		for (Repository configured : properties.repositories()) {
			Row row = stored.remove(configured.name().toLowerCase(Locale.ROOT));
			entries.add(row == null ? new Entry(configured, Source.CONFIG, true, false, false, false) : row.entry(configured));
		}
		stored.values().stream()
			.sorted(Comparator.comparing(row -> row.name.toLowerCase(Locale.ROOT)))
			.forEach(row -> entries.add(row.entry(null)));
		Map<String, Entry> byName = entries.stream()
			.collect(Collectors.toMap(e -> e.repository().name().toLowerCase(Locale.ROOT), Function.identity(), (a, b) -> a));
		report(entries);
		return new Snapshot(List.copyOf(entries), byName);
	}

	/** Logs each unreadable secret once: when a read first finds it so, and again if it breaks after being fixed. */
	private void report(List<Entry> entries) {
		Set<String> now = new HashSet<>();
		for (Entry entry : entries) {
			String name = entry.repository().name();
			if (entry.webhookSecretUnreadable()) {
				now.add("Refusing the webhooks of " + name + ": " + whyUnreadable("webhook secret", name));
			}
			if (entry.tokenUnreadable()) {
				now.add("No commit statuses or reconciling for " + name + ": " + whyUnreadable("token", name));
			}
			if (entry.cloneUrlUnreadable()) {
				now.add("Fetching " + name + " from " + CloneUrls.redact(entry.repository().cloneUrl()) + " instead: "
						+ whyUnreadable("clone URL", name));
			}
		}
		now.stream().filter(message -> !reported.contains(message)).forEach(log::warn);
		reported = now;
	}

	private Row row(ResultSet rs, int i) throws SQLException {
		return new Row(rs.getString(1), decrypt(rs.getString(2)), decrypt(rs.getString(3)), decrypt(rs.getString(4)),
				strings(rs.getArray(5)), strings(rs.getArray(6)), rs.getString(7), rs.getBoolean(8));
	}

	private Secret decrypt(String stored) {
		try {
			return new Secret(encryptor.decrypt(stored), false);
		}
		catch (SecretEncryptor.UnreadableSecretException ex) {
			return new Secret(null, true);
		}
	}

	private static List<String> strings(Array array) throws SQLException {
		return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
	}

	enum Source {
		CONFIG, DATABASE;

		String json() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	/**
	 * @param configured whether application.yml names this repository too (then deleting the row only undoes the
	 * override)
	 * @param webhookSecretUnreadable whether the row holds a webhook secret this key can't decrypt; the repository's
	 * is null then, never application.yml's, so its webhooks are refused rather than checked against another secret
	 * @param tokenUnreadable the same for the token
	 * @param cloneUrlUnreadable the same for the clone URL (stored encrypted: it may carry a credential); the
	 * repository's is then application.yml's, else GitHub's
	 */
	public record Entry(Repository repository, Source source, boolean configured,
			boolean webhookSecretUnreadable, boolean tokenUnreadable, boolean cloneUrlUnreadable) {

		/** Whether a webhook secret is stored or configured, readable or not. */
		boolean hasWebhookSecret() {
			return webhookSecretUnreadable || isSet(repository.webhookSecret());
		}

		boolean hasToken() {
			return tokenUnreadable || isSet(repository.token());
		}

		private static boolean isSet(String secret) {
			return secret != null && !secret.isEmpty();
		}
	}

	private record Snapshot(List<Entry> entries, Map<String, Entry> byName) {
	}

	/** @param cloneUrl encrypted like the secrets: it may carry a credential ({@code https://user:token@...}) */
	private record Row(String name, Secret cloneUrl, Secret webhookSecret, Secret token, List<String> protectedBranches,
			List<String> trustedUsers, String approveLabel, boolean reapproveOnPush) {

		/** @param configured application.yml's entry this row overrides, null if none */
		Entry entry(Repository configured) {
			// An unreadable clone URL is served as if unset (application.yml's, else GitHub's); report() says so.
			Repository repository = new Repository(name,
					cloneUrl.value() != null || configured == null ? cloneUrl.value() : configured.cloneUrl(),
					webhookSecret.or(configured == null ? null : configured.webhookSecret()),
					token.or(configured == null ? null : configured.token()), protectedBranches, trustedUsers,
					approveLabel, reapproveOnPush);
			return new Entry(repository, Source.DATABASE, configured != null, webhookSecret.unreadable(),
					token.unreadable(), cloneUrl.unreadable());
		}
	}

	/** A stored webhook secret or token, decrypted; {@code value} is null when none is stored or it is unreadable. */
	private record Secret(String value, boolean unreadable) {

		/** An unset one falls back to application.yml's; an unreadable one doesn't. */
		String or(String configured) {
			return value != null || unreadable ? value : configured;
		}
	}
}
