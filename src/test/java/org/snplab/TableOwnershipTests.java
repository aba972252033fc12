package org.snplab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each table belongs to one module, and only that module's SQL names it: another module reads or changes it through
 * the owner's API (or a read model the owner publishes). {@link ModularityTests} checks the Java side of the
 * boundaries; this checks the SQL in the string literals of {@code src/main/java}, which Spring Modulith can't see.
 * The few crossings left are listed in {@link #KNOWN_CROSSINGS}, each with its reason; the list must stay exact, so
 * that a crossing removed is struck from it and a new one fails here.
 */
class TableOwnershipTests {

	private static final Path SOURCES = Path.of("src/main/java/org/snplab");

	private static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");

	/** The module (top-level package under org.snplab) that owns each table the migrations create. */
	private static final Map<String, String> OWNERS = Map.ofEntries(
			Map.entry("api_token", "security"), Map.entry("app_user", "security"),
			Map.entry("run", "queue"), Map.entry("job", "queue"), Map.entry("job_attempt", "queue"),
			Map.entry("job_section", "queue"), Map.entry("requirement_set", "queue"), Map.entry("slot_poll", "queue"), Map.entry("gang_hold", "queue"),
			Map.entry("fair_share_usage", "queue"), Map.entry("rendezvous_message", "queue"),
			Map.entry("host", "hosts"), Map.entry("host_event", "hosts"), Map.entry("host_reservation", "hosts"),
			Map.entry("host_power", "power"), Map.entry("health_check", "health"),
			Map.entry("artifact", "results"), Map.entry("log_chunk", "results"), Map.entry("test_report", "results"),
			Map.entry("test_result", "results"),
			Map.entry("github_delivery", "github"), Map.entry("github_head", "github"), Map.entry("github_run", "github"),
			Map.entry("github_status", "github"), Map.entry("pipeline_schedule", "github"),
			Map.entry("github_repository", "repositories"), Map.entry("notification", "notify"),
			// Settings every server instance shares, one row per setting, each read and written only by its module.
			Map.entry("server_setting", "*"));

	/**
	 * Crossings not moved behind the owner's API yet, as "module path -> table", with why. The scheduling pass and the
	 * queue's claim read hosts in the same statement as their jobs, on purpose (one query per pass).
	 */
	private static final Map<String, String> KNOWN_CROSSINGS = Map.ofEntries(
			Map.entry("queue/JobQueue.java -> host", "the claim checks its host in the same statement"),
			Map.entry("queue/SchedulingPass.java -> host", "the pass locks and reads polling hosts with their jobs"),
			Map.entry("queue/GangHolds.java -> host", "a gang's hold is read with the hosts it holds, like the pass's own reads"),
			Map.entry("queue/SchedulingPass.java -> host_reservation", "the pass skips reserved hosts in its query"));

	/** A statement naming a table: the word after one of these keywords. */
	private static final Pattern TABLE = Pattern
		.compile("\\b(?:from|join|into|update|truncate|table|exists)\\s+(?:only\\s+)?([a-z_][a-z0-9_]*)", Pattern.CASE_INSENSITIVE);

	/** Text blocks first, then ordinary string literals (with escapes). */
	private static final Pattern LITERAL = Pattern.compile("\"\"\"(.*?)\"\"\"|\"((?:[^\"\\\\\\n]|\\\\.)*)\"", Pattern.DOTALL);

	private static final Pattern CREATE_TABLE = Pattern
		.compile("\\bcreate\\s+(?:unlogged\\s+)?(?:table|view)\\s+(?:if\\s+not\\s+exists\\s+)?([a-z_][a-z0-9_]*)", Pattern.CASE_INSENSITIVE);

	@Test
	void everyTableHasAnOwner() throws IOException {
		Set<String> created = new TreeSet<>();
		try (Stream<Path> files = Files.list(MIGRATIONS)) {
			for (Path file : files.toList()) {
				Matcher m = CREATE_TABLE.matcher(Files.readString(file));
				while (m.find()) {
					String table = m.group(1).toLowerCase();
					if (!table.startsWith("qrtz_")) { // Quartz's own, used by Quartz only
						created.add(table);
					}
				}
			}
		}
		assertThat(created).as("tables the migrations create").isNotEmpty();
		assertThat(OWNERS.keySet()).as("a table created by a migration needs its owner here").containsAll(created);
	}

	@Test
	void onlyTheOwningModulesSqlNamesATable() throws IOException {
		Map<String, String> crossings = new TreeMap<>();
		try (Stream<Path> files = Files.walk(SOURCES)) {
			for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
				Path relative = SOURCES.relativize(file);
				if (relative.getNameCount() < 2) {
					continue; // the root package: shared helpers, no SQL of a module
				}
				String module = relative.getName(0).toString();
				for (String table : tablesNamedIn(Files.readString(file))) {
					String owner = OWNERS.get(table);
					if (owner != null && !owner.equals("*") && !owner.equals(module)) {
						crossings.put(relative.toString().replace('\\', '/') + " -> " + table, owner);
					}
				}
			}
		}
		assertThat(crossings.keySet())
			.as("SQL naming another module's table (owner in the map): go through the owner's API, or list it with why")
			.containsExactlyInAnyOrderElementsOf(KNOWN_CROSSINGS.keySet());
	}

	@Test
	void theScanFindsTablesInTextBlocksConcatenationsAndSubqueries() {
		String source = """
				class Example {
					String a = \"""
							select j.id from job j
							where not exists (select 1 from health_check c where c.job_id = j.id)\""";
					String b = "select id from" + " host left join host_reservation r on r.host_id = host.id";
					String c = "update \\"run\\" set state = ?"; // quoted, not found: no SQL here quotes names
					// from artifact: a comment is no SQL
				}
				""";
		assertThat(tablesNamedIn(source)).containsExactlyInAnyOrder("job", "health_check", "host", "host_reservation");
	}

	/**
	 * The tables the string literals of a Java source name. The literals of a file are read as one text, so that SQL
	 * built by concatenation ({@code "... from" + HOSTS}) is read whole.
	 */
	static Set<String> tablesNamedIn(String source) {
		StringBuilder sql = new StringBuilder();
		Matcher literal = LITERAL.matcher(withoutComments(source));
		while (literal.find()) {
			sql.append(literal.group(1) != null ? literal.group(1) : literal.group(2)).append(' ');
		}
		Set<String> tables = new TreeSet<>();
		Matcher table = TABLE.matcher(sql);
		while (table.find()) {
			tables.add(table.group(1).toLowerCase());
		}
		return tables;
	}

	/** Line comments (outside string literals) and block comments removed. */
	private static String withoutComments(String source) {
		StringBuilder out = new StringBuilder();
		Matcher m = Pattern.compile("\"\"\".*?\"\"\"|\"(?:[^\"\\\\\\n]|\\\\.)*\"|//[^\\n]*|/\\*.*?\\*/", Pattern.DOTALL).matcher(source);
		int last = 0;
		while (m.find()) {
			out.append(source, last, m.start());
			if (m.group().startsWith("\"")) {
				out.append(m.group());
			}
			last = m.end();
		}
		return out.append(source.substring(last)).toString();
	}
}
