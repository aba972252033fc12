package org.snplab;

/** The caller is known but may not do this (e.g. end someone else's reservation); the message says who may. */
public class NotPermittedException extends RefusedException {

	public NotPermittedException(String message) {
		super(message);
	}
}
