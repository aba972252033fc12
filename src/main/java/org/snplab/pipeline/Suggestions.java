package org.snplab.pipeline;

import java.util.List;
import java.util.Locale;

/** "Did you mean" hints for misspelt keys and fact names. */
final class Suggestions {

	private Suggestions() {
	}

	/** The message tail for an unknown key: the likely intended key, or else all of them. */
	static String hint(String key, List<String> allowed) {
		String near = suggest(key, allowed);
		return near != null ? "; did you mean `" + near + "`?" : " (expected one of " + String.join(", ", allowed) + ")";
	}

	/** The closest candidate if it is close enough to be a likely typo, else null. */
	static String suggest(String key, List<String> candidates) {
		String best = null;
		int bestDistance = Integer.MAX_VALUE;
		String k = key.toLowerCase(Locale.ROOT);
		for (String c : candidates) {
			int d = distance(k, c);
			if (d < bestDistance) {
				best = c;
				bestDistance = d;
			}
		}
		// Short names get a tighter bound, or nearly any short word would "match" them.
		if (best == null || bestDistance > Math.min(2, Math.max(1, best.length() / 3))) {
			return null;
		}
		return best;
	}

	/** Levenshtein distance. */
	static int distance(String a, String b) {
		int[] prev = new int[b.length() + 1];
		int[] cur = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			prev[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			cur[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
				cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
			}
			int[] tmp = prev;
			prev = cur;
			cur = tmp;
		}
		return prev[b.length()];
	}
}
