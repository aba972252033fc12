package org.snplab.queue;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a job is in its life; how it ended is its {@link JobResult}. Each constant is stored (and shown in JSON and on
 * pages) as its {@link #value()}, the text the {@code job.state} column's check constraint allows.
 */
public enum JobState {
	/** Waits for an admin to approve its run (a pull request from outside the project). */
	HELD,
	/** Waits for a host that matches its requirements and has a free slot. */
	QUEUED,
	/** Handed to a host's slot; its agent has not claimed it yet. */
	ASSIGNED,
	/** Its agent runs the steps. */
	RUNNING,
	/** Ended; its result says how. */
	FINISHED;

	/** The stored and shown text: {@code queued}, {@code finished}, ... */
	@JsonValue
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** The state stored as {@code value}. */
	public static JobState of(String value) {
		for (JobState state : values()) {
			if (state.value().equals(value)) {
				return state;
			}
		}
		throw new IllegalArgumentException("no job state " + value);
	}

	/** Whether the job may still run: held, queued, assigned or running. */
	public boolean unfinished() {
		return this != FINISHED;
	}

	/** The stored text, so templates and log lines read as before. */
	@Override
	public String toString() {
		return value();
	}
}
