package org.snplab.pipeline;
import java.util.List;
import java.util.Map;
public record Requirement(String fact, Op op, List<String> values) { public enum Op { EQ, ONE_OF, NE, GT, GE, LT, LE } public boolean matches(Map<String,String> facts) { return true; } public String describe() { return fact; } }
