package org.snplab;

/**
 * A request snplab refuses, with a message that says what was wrong and where. Modules throw one of its kinds, which
 * say why in the module's terms ({@link InvalidInputException}, {@link NotFoundException}, {@link ConflictException},
 * {@link TooLargeException}, {@link NotPermittedException}, {@link UnauthenticatedException}); the web layer alone
 * turns a kind into an HTTP status: {@code web.ApiErrors} answers it as an RFC 9457 problem
 * ({@code application/problem+json}, the message as its {@code detail}), {@code web.PageErrors} as an error page.
 * Only those kinds extend it (its constructor is this package's), so each has its status.
 */
public abstract class RefusedException extends RuntimeException {

	RefusedException(String message) {
		super(message);
	}
}
