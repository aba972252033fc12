package org.snplab.results.junit;

import java.util.ArrayList;
import java.util.List;

/** A {@code <testcase>} being read. */
final class OpenCase {

	final String suite;

	final String className;

	final String name;

	final double time;

	final String statusAttr;

	final List<OpenResult> results = new ArrayList<>(1);

	BoundedText out;

	BoundedText err;

	OpenCase(String suite, String className, String name, double time, String statusAttr) {
		this.suite = suite;
		this.className = className;
		this.name = name;
		this.time = time;
		this.statusAttr = statusAttr;
	}
}
