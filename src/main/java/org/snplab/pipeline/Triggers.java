package org.snplab.pipeline;
import java.util.List;
public record Triggers(Push push, PullRequest pullRequest, List<String> schedules) {
  public record Push(List<String> branches, List<String> tags) { public boolean matchesBranch(String b) { return true; } public boolean matchesTag(String t) { return false; } }
  public record PullRequest(List<String> branches, boolean drafts) { public boolean matchesBase(String b) { return true; } }
}
