package org.snplab.results.junit;

/**
 * Text accumulated while streaming, keeping at most {@code limit} chars and counting the rest, so a huge
 * {@code <system-out>} never becomes a huge string.
 */
final class BoundedText {

	private final int limit;

	private final StringBuilder kept = new StringBuilder();

	private long dropped;

	BoundedText(int limit) {
		this.limit = limit;
	}

	void append(char[] chars, int start, int length) {
		if (length <= 0) {
			return;
		}
		int room = limit - kept.length();
		if (dropped == 0 && length <= room) {
			kept.append(chars, start, length);
			return;
		}
		int take = Math.max(0, Math.min(room, length));
		if (dropped == 0 && take > 0 && Character.isHighSurrogate(chars[start + take - 1])) {
			take--; // never keep half of a surrogate pair
		}
		if (dropped == 0 && take > 0) {
			kept.append(chars, start, take);
		}
		else {
			take = 0;
		}
		dropped += length - take;
	}

	/** True when nothing but whitespace was seen. */
	boolean isBlank() {
		return dropped == 0 && kept.toString().isBlank();
	}

	/** The kept text, with a truncation marker when chars were dropped. */
	String value() {
		return dropped == 0 ? kept.toString() : marked(kept, dropped);
	}

	/** The value, or null when blank. */
	String valueOrNull() {
		return isBlank() ? null : value();
	}

	/** The value of an element that may never have appeared, or null when it did not or was blank. */
	static String valueOf(BoundedText text) {
		return text == null ? null : text.valueOrNull();
	}

	static String truncate(String s, int limit) {
		if (s == null || s.length() <= limit) {
			return s;
		}
		int take = limit;
		if (take > 0 && Character.isHighSurrogate(s.charAt(take - 1))) {
			take--;
		}
		return marked(s.substring(0, take), s.length() - take);
	}

	private static String marked(CharSequence kept, long dropped) {
		return kept + "… [truncated " + dropped + " chars]";
	}
}
