package org.snplab.support;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * The real inputs the tests run on: {@code src/test/resources/fixtures/}, copied from the project's shared fixtures
 * (where each came from is in {@code fixtures/SOURCES.md}). Read from the class path, so a lone clone runs them.
 */
public final class Fixtures {

	private Fixtures() {
	}

	/** A fixture file or directory, e.g. {@code path("junit")} or {@code path("svsm/coconut-svsm.bundle")}. */
	public static Path path(String relative) {
		URL url = Fixtures.class.getResource("/fixtures/" + relative);
		if (url == null) {
			throw new IllegalArgumentException("no fixture " + relative + " under src/test/resources/fixtures/");
		}
		try {
			return Path.of(url.toURI());
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException("fixture " + relative + " has an unusable location " + url, ex);
		}
	}
}
