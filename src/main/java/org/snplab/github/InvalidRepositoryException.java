package org.snplab.github;

import org.snplab.RequestException;

import org.springframework.http.HttpStatus;

/**
 * A repository change refused by {@link RepositoryRules}: 400, with the field it concerns (as the JSON API spells it,
 * e.g. {@code cloneUrl}) so a form can show the message next to that field.
 */
public class InvalidRepositoryException extends RequestException {

	private final String field;

	InvalidRepositoryException(String field, String message) {
		super(HttpStatus.BAD_REQUEST, message);
		this.field = field;
	}

	public String field() {
		return field;
	}
}
