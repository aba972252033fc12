package org.snplab.pipeline;

import java.util.regex.Pattern;

/**
 * Glob patterns for branch, tag and file names: {@code *} matches any run of characters except
 * {@code /}, {@code **} matches any run including {@code /}, {@code ?} matches one character
 * except {@code /}; everything else matches itself.
 */
final class Globs {

	private Globs() {
	}

	static Pattern compile(String glob) {
		StringBuilder re = new StringBuilder();
		StringBuilder literal = new StringBuilder();
		for (int i = 0; i < glob.length(); i++) {
			char c = glob.charAt(i);
			if (c == '*' || c == '?') {
				if (literal.length() > 0) {
					re.append(Pattern.quote(literal.toString()));
					literal.setLength(0);
				}
				if (c == '?') {
					re.append("[^/]");
				}
				else if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
					re.append(".*");
					i++;
				}
				else {
					re.append("[^/]*");
				}
			}
			else {
				literal.append(c);
			}
		}
		if (literal.length() > 0) {
			re.append(Pattern.quote(literal.toString()));
		}
		return Pattern.compile(re.toString(), Pattern.DOTALL);
	}

	static boolean matches(String glob, String name) {
		return name != null && compile(glob).matcher(name).matches();
	}
}
