package org.snplab.pipeline;
public class PipelineException extends Exception {
  private final int line; private final String problem;
  public PipelineException(int line, String problem) { super(".snplab.yml line " + line + ": " + problem); this.line = line; this.problem = problem; }
  public int line() { return line; } public String problem() { return problem; }
}
