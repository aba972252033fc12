package org.snplab.queue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.snplab.pipeline.JobSpec;
import org.snplab.pipeline.Pipeline;
import org.snplab.pipeline.Requirement;
import org.snplab.pipeline.Requirements;
import org.snplab.pipeline.Triggers;

/** Named builders of pipelines for queue tests. */
final class Pipelines {

	private Pipelines() {
	}

	static Pipeline of(JobSpec... jobs) {
		return new Pipeline(new Triggers(null, null, List.of()), Arrays.asList(jobs));
	}

	static JobSpec job(String name, int priority, Requirements requires) {
		return new JobSpec(name, requires, Duration.ofMinutes(5), priority, Map.of(), List.of("true"), List.of(), List.of());
	}

	/** A job on any host that holds this much memory while it runs, like an SVSM test guest (8G). */
	static JobSpec guestJob(String name, int priority, long memoryMb) {
		return new JobSpec(name, Requirements.none(), Duration.ofMinutes(5), priority, Map.of(), List.of("true"), List.of(),
				List.of(), memoryMb, null);
	}

	static JobSpec anyHostJob(String name) {
		return job(name, 0, Requirements.none());
	}

	static Requirement fact(String fact, Requirement.Op op, String... values) {
		return new Requirement(fact, op, List.of(values));
	}

	static Requirements requires(List<String> labels, Requirement... facts) {
		return new Requirements(List.of(facts), labels);
	}
}
