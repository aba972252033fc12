package org.snplab;

/** What the request asks for contradicts the current state (a run still running, a host reserved, a lease lost). */
public class ConflictException extends RefusedException {

	public ConflictException(String message) {
		super(message);
	}
}
