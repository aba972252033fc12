package org.snplab;

/** A body, file or chunk larger than its limit; the message names the limit (and its setting, when there is one). */
public class TooLargeException extends RefusedException {

	public TooLargeException(String message) {
		super(message);
	}
}
