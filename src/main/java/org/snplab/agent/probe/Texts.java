package org.snplab.agent.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Lenient file reading: the probe reports missing inputs as facts, so I/O problems become empty results. */
final class Texts {

	static final String ABSENT = "absent";

	private Texts() {
	}

	/** Whole file as text, or empty if it is missing, unreadable or not a regular file (e.g. a directory). */
	static Optional<String> read(Path file) {
		try {
			if (!Files.isRegularFile(file)) {
				return Optional.empty();
			}
			// ISO-8859-1 never fails to decode, so a garbled file still yields text the parsers can reject.
			return Optional.of(Files.readString(file, StandardCharsets.ISO_8859_1));
		}
		catch (IOException | UncheckedIOException | SecurityException ex) {
			return Optional.empty();
		}
	}

	/** First line, trimmed, or empty when missing or blank. */
	static Optional<String> firstLine(Path file) {
		return read(file).map(String::strip).map(s -> s.lines().findFirst().orElse("").strip())
			.filter(s -> !s.isEmpty());
	}
}
