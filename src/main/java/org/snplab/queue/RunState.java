package org.snplab.queue;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a run is, computed from its jobs ({@code RunStates.refresh}). Each constant is stored (and shown in JSON and on
 * pages) as its {@link #value()}, the text the {@code run.state} column's check constraint allows.
 */
public enum RunState {
	/** Held for approval: a pull request from outside the project. */
	WAITING,
	/** No job has started yet. */
	QUEUED,
	/** A job has started and one is unfinished. */
	RUNNING,
	/** Every job passed. */
	PASSED,
	/** A job failed, timed out or hit an infrastructure error. */
	FAILED,
	/** Its jobs were canceled, none failed. */
	CANCELED,
	/** It never got jobs: its pipeline could not be read. */
	ERROR;

	/** The stored and shown text: {@code waiting}, {@code passed}, ... */
	@JsonValue
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** The state stored as {@code value}. */
	public static RunState of(String value) {
		for (RunState state : values()) {
			if (state.value().equals(value)) {
				return state;
			}
		}
		throw new IllegalArgumentException("no run state " + value);
	}

	/** Whether a job of the run may still run: waiting, queued or running. */
	public boolean unfinished() {
		return this == WAITING || this == QUEUED || this == RUNNING;
	}

	/** The stored text, so templates and log lines read as before. */
	@Override
	public String toString() {
		return value();
	}
}
