package org.snplab.agent.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.snplab.protocol.AgentProtocol.Section;

/**
 * The sections of one attempt's log as it runs: each starts where the log then ends, and ends when the next begins
 * or the attempt does. Reported with the finish, so the server can show the log folded by step with durations.
 */
final class Sections {

	private final LogStreamer log;

	private final Clock clock;

	private final List<Section> done = new ArrayList<>();

	private Section open;

	Sections(LogStreamer log, Clock clock) {
		this.log = log;
		this.clock = clock;
	}

	/** Starts a section, ending the open one (as passed) if any. */
	void start(String kind, String name) {
		end(null, false);
		long offset;
		try {
			offset = Files.size(log.file());
		}
		catch (IOException e) {
			offset = 0;
		}
		open = new Section(kind, name, clock.instant(), null, null, false, offset);
	}

	/** Ends the open section, if any, with a step's exit code (null: none) and whether it failed. */
	void end(Integer exitCode, boolean failed) {
		if (open != null) {
			done.add(new Section(open.kind(), open.name(), open.startedAt(), clock.instant(), exitCode, failed,
					open.logOffset()));
			open = null;
		}
	}

	/** Every section, the one still open ended as failed: the attempt stopped inside it. */
	List<Section> all(boolean passed) {
		end(null, !passed);
		return List.copyOf(done);
	}
}
