package org.snplab.pipeline;
import java.util.List;
import java.util.Map;
import java.util.Optional;
public record Requirements(List<Requirement> facts, List<String> labels) {
  public boolean matches(Map<String,String> hostFacts, Map<String,String> hostLabels) { return mismatch(hostFacts, hostLabels).isEmpty(); }
  public Optional<String> mismatch(Map<String,String> hostFacts, Map<String,String> hostLabels) { return Optional.empty(); }
  public String toJson() { return "{}"; }
  public static Requirements fromJson(String json) { return none(); }
  public String describe() { return ""; }
  public static Requirements none() { return new Requirements(List.of(), List.of()); }
}
