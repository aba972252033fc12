package org.snplab.pipeline;
import java.time.Duration;
import java.util.List;
import java.util.Map;
public record JobSpec(String name, Requirements requires, Duration timeout, int priority, Map<String,String> env, List<String> steps, List<String> artifacts, List<String> junit) {}
