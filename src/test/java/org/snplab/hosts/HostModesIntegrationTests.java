package org.snplab.hosts;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.snplab.support.ServerIntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Host.Mode} and {@link Host.Status} name exactly the texts the host table's check constraints allow. */
class HostModesIntegrationTests extends ServerIntegrationTest {

	@Test
	void modesAreTheTextsTheHostTableAllows() {
		assertThat(Arrays.stream(Host.Mode.values()).map(Host.Mode::value).toList())
			.containsExactlyInAnyOrderElementsOf(allowed("mode"));
		for (Host.Mode mode : Host.Mode.values()) {
			assertThat(Host.Mode.of(mode.value())).isEqualTo(mode);
		}
	}

	@Test
	void statusesAreTheTextsTheHostTableAllows() {
		assertThat(Arrays.stream(Host.Status.values()).map(Host.Status::value).toList())
			.containsExactlyInAnyOrderElementsOf(allowed("status"));
		assertThat(Host.Status.of("offline")).isEqualTo(Host.Status.OFFLINE);
	}

	private List<String> allowed(String column) {
		String check = db.sql("""
				select pg_get_constraintdef(c.oid) from pg_constraint c
				join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
				where c.conrelid = 'host'::regclass and c.contype = 'c' and a.attname = ?""")
			.param(column)
			.query(String.class)
			.single();
		Matcher texts = Pattern.compile("'([^']*)'").matcher(check);
		List<String> allowed = new ArrayList<>();
		while (texts.find()) {
			allowed.add(texts.group(1));
		}
		assertThat(allowed).as(check).isNotEmpty();
		return allowed;
	}
}
