package org.snplab.repositories;

import org.snplab.InvalidInputException;

/**
 * A repository change refused by {@link RepositoryRules}, with the field it concerns (as the JSON API spells it,
 * e.g. {@code cloneUrl}) so a form can show the message next to that field.
 */
public class InvalidRepositoryException extends InvalidInputException {

	private final String field;

	InvalidRepositoryException(String field, String message) {
		super(message);
		this.field = field;
	}

	public String field() {
		return field;
	}
}
