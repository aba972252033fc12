package org.snplab;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of this snplab build (from {@code META-INF/build-info.properties}, written by the build), which the
 * server shows and the agent reports, and the version of the agent protocol they speak.
 */
public final class SnplabVersion {

	/**
	 * The agent protocol: a change an older agent or server would misread raises it. Agents send it in
	 * {@value #PROTOCOL_HEADER}; a server answers 426 to one it can't serve, saying what to upgrade.
	 */
	public static final int AGENT_PROTOCOL = 1;

	public static final String PROTOCOL_HEADER = "Snplab-Agent-Protocol";

	public static final String VERSION_HEADER = "Snplab-Agent-Version";

	private static final String VERSION = read();

	private SnplabVersion() {
	}

	/** e.g. {@code 0.1.0-SNAPSHOT}; {@code unknown} when run from classes the build didn't stamp. */
	public static String current() {
		return VERSION;
	}

	private static String read() {
		try (InputStream in = SnplabVersion.class.getResourceAsStream("/META-INF/build-info.properties")) {
			if (in == null) {
				return "unknown";
			}
			Properties build = new Properties();
			build.load(in);
			return build.getProperty("build.version", "unknown");
		}
		catch (IOException ex) {
			return "unknown";
		}
	}
}
