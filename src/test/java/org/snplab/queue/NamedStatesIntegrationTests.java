package org.snplab.queue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.snplab.InvalidInputException;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;

import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The queue's state enums name exactly the texts its tables' check constraints allow, and JSON shows those texts. */
class NamedStatesIntegrationTests extends ServerIntegrationTest {

	@Autowired
	RunService runs;

	@Autowired
	RunViews views;

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void jobStatesAreTheTextsTheJobTableAllows() {
		assertThat(Arrays.stream(JobState.values()).map(JobState::value).toList())
			.containsExactlyInAnyOrderElementsOf(allowed("job", "state"));
		for (JobState state : JobState.values()) {
			assertThat(JobState.of(state.value())).isEqualTo(state);
		}
		assertThat(JobState.ASSIGNED.value()).isEqualTo("assigned");
	}

	@Test
	void jobResultsAreTheTextsTheJobTableAllows() {
		assertThat(Arrays.stream(JobResult.values()).map(JobResult::value).toList())
			.containsExactlyInAnyOrderElementsOf(allowed("job", "result"));
		assertThat(JobResult.TIMED_OUT.value()).isEqualTo("timed_out");
		assertThat(JobResult.of("timed_out")).isEqualTo(JobResult.TIMED_OUT);
		assertThat(JobResult.of("infra_error")).isEqualTo(JobResult.INFRA_ERROR);
	}

	@Test
	void runStatesAreTheTextsTheRunTableAllows() {
		assertThat(Arrays.stream(RunState.values()).map(RunState::value).toList())
			.containsExactlyInAnyOrderElementsOf(allowed("run", "state"));
		for (RunState state : RunState.values()) {
			assertThat(RunState.of(state.value())).isEqualTo(state);
		}
	}

	@Test
	void jsonShowsTheStoredTexts() throws Exception {
		assertThat(json.writeValueAsString(List.of(JobState.QUEUED, JobResult.INFRA_ERROR, RunState.WAITING)))
			.isEqualTo("[\"queued\",\"infra_error\",\"waiting\"]");
		assertThat(json.readValue("\"timed_out\"", JobResult.class)).isEqualTo(JobResult.TIMED_OUT);
	}

	@Test
	void theRunApiShowsStatesAsBeforeAndNothingMore() {
		long run = runs.hold(new RunService.Origin("file:///repo", "pr-1", "b".repeat(40), "api"),
				Pipelines.of(Pipelines.anyHostJob("build")));
		JsonNode answer = HttpApi.anonymous(baseUrl()).get("/api/runs/" + run).json();
		assertThat(answer.get("state").asString()).isEqualTo("waiting");
		JsonNode job = answer.get("jobs").get(0);
		assertThat(job.get("state").asString()).isEqualTo("held");
		assertThat(job.has("lifecycle") || job.has("result") || job.has("unfinished") || job.has("waitsToStart"))
			.as("the view's helper methods stay out of the JSON: %s", job).isFalse();
	}

	@Test
	void runsInNamesTheRunsInThoseStatesOnly() {
		RunService.Origin origin = new RunService.Origin("file:///repo", "main", "c".repeat(40), "api");
		long held = runs.hold(origin, Pipelines.of(Pipelines.anyHostJob("build")));
		long queued = runs.queue(origin, Pipelines.of(Pipelines.anyHostJob("build")));
		long broken = runs.fail(origin, "no pipeline");
		assertThat(views.runsIn(EnumSet.of(RunState.WAITING))).contains(held).doesNotContain(queued, broken);
		assertThat(views.runsIn(EnumSet.of(RunState.WAITING, RunState.QUEUED))).contains(held, queued)
			.doesNotContain(broken)
			.isSorted();
		assertThat(views.runsIn(EnumSet.of(RunState.ERROR))).contains(broken).doesNotContain(held, queued);
		assertThat(views.runsIn(EnumSet.noneOf(RunState.class))).isEmpty();
	}

	@Test
	void anUnknownResultIsABadRequestNamingTheAllowedOnes() {
		assertThatThrownBy(() -> JobResult.of("PASSED")).isInstanceOfSatisfying(InvalidInputException.class, ex -> {
			assertThat(ex.getMessage()).contains("passed, failed, timed_out, canceled, infra_error").contains("PASSED");
		});
		assertThatThrownBy(() -> JobState.of("done")).hasMessageContaining("done");
	}

	/** The texts a {@code column in ('a', 'b', ...)} check constraint on {@code table.column} allows. */
	private List<String> allowed(String table, String column) {
		String check = db.sql("""
				select pg_get_constraintdef(c.oid) from pg_constraint c
				join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
				where c.conrelid = ?::regclass and c.contype = 'c' and a.attname = ?""")
			.params(table, column)
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
