package org.snplab.power;

import java.util.Locale;

import org.snplab.InvalidInputException;

/** What an admin (or recovery) asks of a host's power. */
public enum PowerAction {
	/** Reads the power state; changes nothing. */
	STATUS,
	/** Powers the host on; nothing if it is on. */
	ON,
	/** Powers the host off (hard); nothing if it is off. */
	OFF,
	/** Powers the host off and on again; a host that is off is just powered on. */
	CYCLE;

	/** The lower-case word of the API and the pages, e.g. {@code cycle}. */
	public String word() {
		return name().toLowerCase(Locale.ROOT);
	}

	public static PowerAction of(String word) {
		for (PowerAction action : values()) {
			if (action.word().equals(word)) {
				return action;
			}
		}
		throw new InvalidInputException("unknown power action '" + word + "'; one of status, on, off, cycle");
	}
}
