package org.snplab;

/** Credentials missing or rejected (a registration token, a host credential); the message says which. */
public class UnauthenticatedException extends RefusedException {

	public UnauthenticatedException(String message) {
		super(message);
	}
}
