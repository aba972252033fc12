package org.snplab.web;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.snplab.pipeline.JobSpec;
import org.snplab.pipeline.Pipeline;
import org.snplab.pipeline.Requirements;
import org.snplab.pipeline.Triggers;

/** Pipelines for tests that need runs without a git repository. */
public final class WebFixtures {

	private WebFixtures() {
	}

	public static Pipeline pipeline(String... jobNames) {
		List<JobSpec> jobs = Arrays.stream(jobNames)
			.map(name -> new JobSpec(name, Requirements.none(), Duration.ofMinutes(5), 0, Map.of(), List.of("true"), List.of(), List.of()))
			.toList();
		return new Pipeline(new Triggers(null, null, List.of()), jobs);
	}
}
