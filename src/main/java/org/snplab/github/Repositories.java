package org.snplab.github;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The repositories snplab serves: those of {@code snplab.repositories} in application.yml, overlaid by the rows of
 * {@code github_repository} that admins write through {@link RepositoryAdministration}. A row with a configured name
 * (case-insensitive) replaces that entry, taking the configured clone URL, secret and token where it has none; other rows add
 * repositories. Read through a cache of {@link #MAX_AGE_NANOS}: writes here invalidate it at once, other server
 * instances see them within that time.
 */
@Service
class Repositories {

	static final long MAX_AGE_NANOS = 2_000_000_000L;

	private final GithubProperties properties;

	private final JdbcClient db;

	private volatile Snapshot snapshot;

	Repositories(GithubProperties properties, JdbcClient db) {
		this.properties = properties;
		this.db = db;
	}

	/** The repository of that full name ({@code owner/name}); GitHub names are case-insensitive. */
	Optional<GithubProperties.Repository> find(String fullName) {
		if (fullName == null) {
			return Optional.empty();
		}
		return Optional.ofNullable(current().byName.get(fullName.toLowerCase(Locale.ROOT))).map(Entry::repository);
	}

	/** Every repository served: the configured ones in their order (overrides in place), then added ones by name. */
	List<GithubProperties.Repository> all() {
		return current().entries.stream().map(Entry::repository).toList();
	}

	/** Like {@link #all()}, with where each one comes from. */
	List<Entry> entries() {
		return current().entries;
	}

	Optional<Entry> entry(String fullName) {
		return Optional.ofNullable(current().byName.get(fullName.toLowerCase(Locale.ROOT)));
	}

	/** The application.yml entry of that name, ignoring the database. */
	Optional<GithubProperties.Repository> configured(String fullName) {
		return properties.repository(fullName);
	}

	/**
	 * Inserts or replaces the row of {@code repository.name()}; a null secret or token keeps the row's current one
	 * (and otherwise falls back to the configured one when read).
	 *
	 * @param cloneUrl the clone URL as given, null for the configured one, else GitHub's (the record always has one)
	 */
	void save(GithubProperties.Repository repository, String cloneUrl) {
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
				.params(repository.name(), cloneUrl, repository.webhookSecret(), repository.token(),
						repository.protectedBranches().toArray(String[]::new),
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
		snapshot = null;
	}

	private Snapshot current() {
		Snapshot current = snapshot;
		if (current == null || System.nanoTime() - current.readAt > MAX_AGE_NANOS) {
			current = load();
			snapshot = current;
		}
		return current;
	}

	private Snapshot load() {
		long readAt = System.nanoTime();
		List<Row> rows = db.sql("""
				select name, clone_url, webhook_secret, token, protected_branches, trusted_users, approve_label,
				  reapprove_on_push from github_repository order by lower(name)""")
			.query(Repositories::row)
			.list();
		Map<String, Row> stored = rows.stream()
			.collect(Collectors.toMap(row -> row.name.toLowerCase(Locale.ROOT), Function.identity(), (a, b) -> a));
		List<Entry> entries = new ArrayList<>();
		for (GithubProperties.Repository configured : properties.repositories()) {
			Row row = stored.remove(configured.name().toLowerCase(Locale.ROOT));
			entries.add(row == null ? new Entry(configured, Source.CONFIG, true) : new Entry(row.over(configured), Source.DATABASE, true));
		}
		stored.values().stream()
			.sorted(Comparator.comparing(row -> row.name.toLowerCase(Locale.ROOT)))
			.forEach(row -> entries.add(new Entry(row.over(null), Source.DATABASE, false)));
		Map<String, Entry> byName = entries.stream()
			.collect(Collectors.toMap(e -> e.repository().name().toLowerCase(Locale.ROOT), Function.identity(), (a, b) -> a));
		return new Snapshot(readAt, List.copyOf(entries), byName);
	}

	private static Row row(ResultSet rs, int i) throws SQLException {
		return new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), strings(rs.getArray(5)),
				strings(rs.getArray(6)), rs.getString(7), rs.getBoolean(8));
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
	 */
	record Entry(GithubProperties.Repository repository, Source source, boolean configured) {
	}

	private record Snapshot(long readAt, List<Entry> entries, Map<String, Entry> byName) {
	}

	private record Row(String name, String cloneUrl, String webhookSecret, String token, List<String> protectedBranches,
			List<String> trustedUsers, String approveLabel, boolean reapproveOnPush) {

		GithubProperties.Repository over(GithubProperties.Repository configured) {
			return new GithubProperties.Repository(name, cloneUrl != null || configured == null ? cloneUrl : configured.cloneUrl(),
					webhookSecret != null || configured == null ? webhookSecret : configured.webhookSecret(),
					token != null || configured == null ? token : configured.token(), protectedBranches, trustedUsers,
					approveLabel, reapproveOnPush);
		}
	}
}
