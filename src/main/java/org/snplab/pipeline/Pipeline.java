package org.snplab.pipeline;
import java.util.List;
public record Pipeline(Triggers on, List<JobSpec> jobs) {}
