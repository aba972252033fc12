package org.snplab;

/** Input that isn't valid (a field, parameter or body of the wrong shape or out of range); the message names it. */
public class InvalidInputException extends RefusedException {

	public InvalidInputException(String message) {
		super(message);
	}
}
