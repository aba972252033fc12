package org.snplab.security;

import org.springframework.security.core.AuthenticationException;

/** A login refused unchecked because its user or address failed too often lately; answered 429. */
final class TooManyFailedLogins extends AuthenticationException {

	TooManyFailedLogins(String message) {
		super(message);
	}
}
