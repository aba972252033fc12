package org.snplab;

import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Text from outside (agents, the API, webhooks) made storable in PostgreSQL, whose {@code text} and {@code jsonb}
 * can't hold U+0000 and must be valid UTF-8. A job's output is what the job printed, NUL bytes of a QEMU serial
 * console included, so it is kept rather than refused: each U+0000 becomes U+2400 "␀" (the symbol for NUL, shown
 * as it is on the job page and in the API's log), bytes that aren't UTF-8 and unpaired surrogates become U+FFFD
 * "�". Everything else is stored as sent.
 */
public final class StoredText {

	/** What a NUL is stored and shown as. */
	public static final char NUL_SYMBOL = '\u2400';

	private StoredText() {
	}

	/** The text made storable; null stays null. */
	public static String of(String text) {
		if (text == null || !needsCleaning(text)) {
			return text;
		}
		StringBuilder out = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '\0') {
				out.append(NUL_SYMBOL);
			}
			else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
				out.append(c).append(text.charAt(++i));
			}
			else if (Character.isSurrogate(c)) {
				out.append('\uFFFD');
			}
			else {
				out.append(c);
			}
		}
		return out.toString();
	}

	/** Bytes decoded as UTF-8 leniently (what isn't UTF-8 becomes U+FFFD), then made storable. */
	public static String decode(byte[] bytes) {
		try {
			String text = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPLACE)
				.onUnmappableCharacter(CodingErrorAction.REPLACE)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
			return of(text);
		}
		catch (java.nio.charset.CharacterCodingException ex) {
			throw new IllegalStateException("a replacing decoder never fails", ex);
		}
	}

	/** Keys and values made storable, in the same order; null stays null. */
	public static Map<String, String> of(Map<String, String> map) {
		if (map == null) {
			return null;
		}
		Map<String, String> out = new LinkedHashMap<>();
		map.forEach((key, value) -> out.put(of(key), of(value)));
		return out;
	}

	private static boolean needsCleaning(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '\0' || Character.isSurrogate(c)) {
				return true;
			}
		}
		return false;
	}
}
