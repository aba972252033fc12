package org.snplab.pipeline;

import org.snplab.StoredText;

/**
 * A {@code .snplab.yml} file could not be accepted. The message names the file, the line (when
 * known) and the problem, e.g. {@code .snplab.yml line 7: unknown key `step` in job `build`; did
 * you mean `steps`?}.
 */
public class PipelineException extends Exception {

	private static final long serialVersionUID = 1L;

	private final int line;

	private final String problem;

	// The problem may quote the file, which may hold anything, and may end up stored as a run's error.
	PipelineException(int line, String problem) {
		super((line > 0 ? ".snplab.yml line " + line : ".snplab.yml") + ": " + StoredText.of(problem));
		this.line = Math.max(line, 0);
		this.problem = StoredText.of(problem);
	}

	/** The 1-based line the problem was found on, or 0 if unknown. */
	public int line() {
		return line;
	}

	/** The problem without the file and line prefix. */
	public String problem() {
		return problem;
	}
}
