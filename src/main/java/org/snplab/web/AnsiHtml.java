package org.snplab.web;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns log text into HTML, one {@code <span class="line" id="L<n>">} per line, keeping SGR colours as classes.
 * Text is escaped before anything is emitted, and escape sequences only ever produce fixed class names, so nothing
 * in a log can become markup. Fed chunk by chunk: SGR state carries over lines, and a line (with any escape
 * sequence in it) is converted only once it is complete, so sequences split across chunks still work.
 */
public final class AnsiHtml {

	private static final Pattern ESCAPE = Pattern.compile("\u001B\\[([0-9;?]*)([A-Za-z])|\u001B[^\\[]?");

	private final StringBuilder pending = new StringBuilder();

	private int lineNumber;

	private int fg = -1;

	private int bg = -1;

	private boolean bold;

	private boolean italic;

	private boolean underline;

	/** HTML for the lines completed by this text. */
	public String feed(String text) {
		pending.append(text);
		StringBuilder html = new StringBuilder();
		int newline;
		while ((newline = pending.indexOf("\n")) >= 0) {
			html.append(line(pending.substring(0, newline)));
			pending.delete(0, newline + 1);
		}
		return html.toString();
	}

	/** HTML for a last line without a newline, once the log is complete. */
	public String flush() {
		if (pending.isEmpty()) {
			return "";
		}
		String html = line(pending.toString());
		pending.setLength(0);
		return html;
	}

	/**
	 * HTML for the line still waiting for its newline (a progress line, say), or "" when there is none. It changes
	 * nothing: the line is converted for real, with the same number, once it is complete.
	 */
	public String preview() {
		if (pending.isEmpty()) {
			return "";
		}
		int[] saved = { lineNumber, fg, bg };
		boolean[] flags = { bold, italic, underline };
		String html = line(pending.toString());
		lineNumber = saved[0];
		fg = saved[1];
		bg = saved[2];
		bold = flags[0];
		italic = flags[1];
		underline = flags[2];
		return html;
	}

	/** The whole text at once, e.g. for tests. */
	public static String toHtml(String text) {
		AnsiHtml converter = new AnsiHtml();
		return converter.feed(text) + converter.flush();
	}

	private String line(String raw) {
		String text = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
		text = text.substring(text.lastIndexOf('\r') + 1); // a progress bar's last state
		lineNumber++;
		StringBuilder html = new StringBuilder("<span class=\"line\" id=\"L").append(lineNumber).append("\">");
		Matcher m = ESCAPE.matcher(text);
		int at = 0;
		while (m.find()) {
			segment(html, text.substring(at, m.start()));
			if ("m".equals(m.group(2))) {
				apply(m.group(1));
			}
			at = m.end();
		}
		segment(html, text.substring(at));
		return html.append("</span>").toString();
	}

	private void segment(StringBuilder html, String text) {
		if (text.isEmpty()) {
			return;
		}
		List<String> classes = new ArrayList<>();
		if (fg >= 0) {
			classes.add("fg" + fg);
		}
		if (bg >= 0) {
			classes.add("bg" + bg);
		}
		if (bold) {
			classes.add("b");
		}
		if (italic) {
			classes.add("i");
		}
		if (underline) {
			classes.add("u");
		}
		if (classes.isEmpty()) {
			html.append(escape(text));
		}
		else {
			html.append("<span class=\"").append(String.join(" ", classes)).append("\">").append(escape(text)).append("</span>");
		}
	}

	private void apply(String parameters) {
		String[] codes = parameters.isEmpty() ? new String[] { "0" } : parameters.split(";");
		for (int i = 0; i < codes.length; i++) {
			int code;
			try {
				code = codes[i].isEmpty() ? 0 : Integer.parseInt(codes[i]);
			}
			catch (NumberFormatException ex) {
				return;
			}
			switch (code) {
				case 0 -> { fg = -1; bg = -1; bold = false; italic = false; underline = false; }
				case 1 -> bold = true;
				case 3 -> italic = true;
				case 4 -> underline = true;
				case 22 -> bold = false;
				case 23 -> italic = false;
				case 24 -> underline = false;
				case 39 -> fg = -1;
				case 49 -> bg = -1;
				case 38, 48 -> i = codes.length; // 256-colour and RGB: shown uncoloured rather than guessed
				default -> {
					if (code >= 30 && code <= 37) fg = code - 30;
					else if (code >= 90 && code <= 97) fg = code - 90 + 8;
					else if (code >= 40 && code <= 47) bg = code - 40;
					else if (code >= 100 && code <= 107) bg = code - 100 + 8;
				}
			}
		}
	}

	public static String escape(String text) {
		StringBuilder out = new StringBuilder(text.length() + 16);
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '<' -> out.append("&lt;");
				case '>' -> out.append("&gt;");
				case '&' -> out.append("&amp;");
				case '"' -> out.append("&quot;");
				case '\'' -> out.append("&#39;");
				default -> {
					if (c < 0x20 && c != '\t') {
						out.append('\uFFFD'); // other control characters have no place in a page
					}
					else {
						out.append(c);
					}
				}
			}
		}
		return out.toString();
	}
}
