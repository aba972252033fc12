package org.snplab.pipeline;

import java.util.List;
import java.util.Objects;

/**
 * A parsed {@code .snplab.yml}: when it triggers and the jobs it runs, in file order. See
 * {@link PipelineParser} for the file format.
 */
public record Pipeline(Triggers on, List<JobSpec> jobs) {

	public Pipeline {
		Objects.requireNonNull(on, "on");
		jobs = List.copyOf(jobs);
	}
}
