package org.snplab.power;

/** Talks to one host's BMC (or PDU). Each call is one operation; {@link PowerActions} adds checks, retries and pauses. */
interface PowerDriver {

	/** The power state as the BMC says, with its words. */
	Reading status() throws PowerFailure;

	/**
	 * Asks for on, off or cycle, once, without checking the state first.
	 *
	 * @return the BMC's answer
	 */
	String request(PowerAction action) throws PowerFailure;

	/** @param answer the BMC's own words, e.g. {@code Chassis Power is on} */
	record Reading(boolean on, String answer) {
	}
}
