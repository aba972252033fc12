package org.snplab;

/** What the request names (a run, job, host, repository, token, file) doesn't exist; the message says what. */
public class NotFoundException extends RefusedException {

	public NotFoundException(String message) {
		super(message);
	}
}
