package org.snplab.web;

import java.io.IOException;
import java.net.URI;

import org.snplab.ConflictException;
import org.snplab.InvalidInputException;
import org.snplab.NotFoundException;
import org.snplab.NotPermittedException;
import org.snplab.RefusedException;
import org.snplab.TooLargeException;
import org.snplab.UnauthenticatedException;

import org.springframework.beans.TypeMismatchException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Every refused API request answers an RFC 9457 problem, {@code application/problem+json}:
 * {@code {"title": "Bad Request", "status": 400, "detail": "what was wrong and where", "instance": "/api/..."}} (no
 * {@code type}: RFC 9457's {@code about:blank}). A {@link RefusedException} gets the status of its kind, Spring MVC's own refusals
 * (unreadable body, missing or mistyped parameter, wrong method...) theirs, each with a detail that says what was
 * wrong. Clients (the agent, {@code snplab ctl}) show the {@code detail}.
 */
@RestControllerAdvice
class ApiErrors extends ResponseEntityExceptionHandler {

	/** The one place a refusal's kind becomes an HTTP status ({@link PageErrors} shows the same). */
	static HttpStatus statusOf(RefusedException refusal) {
		if (refusal instanceof InvalidInputException) {
			return HttpStatus.BAD_REQUEST;
		}
		if (refusal instanceof UnauthenticatedException) {
			return HttpStatus.UNAUTHORIZED;
		}
		if (refusal instanceof NotPermittedException) {
			return HttpStatus.FORBIDDEN;
		}
		if (refusal instanceof NotFoundException) {
			return HttpStatus.NOT_FOUND;
		}
		if (refusal instanceof ConflictException) {
			return HttpStatus.CONFLICT;
		}
		if (refusal instanceof TooLargeException) {
			return HttpStatus.CONTENT_TOO_LARGE;
		}
		throw new IllegalArgumentException("no HTTP status for " + refusal.getClass().getName());
	}

	/** A problem about this request: its {@code instance} is the request's path. */
	static ProblemDetail problem(HttpStatusCode status, String detail, HttpServletRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setInstance(URI.create(request.getRequestURI()));
		return problem;
	}

	@ExceptionHandler(RefusedException.class)
	ProblemDetail refused(RefusedException ex, HttpServletRequest request) {
		return problem(statusOf(ex), ex.getMessage(), request);
	}

	/** The database is down or its connections are used up: the request may well succeed in a moment. */
	@ExceptionHandler(DataAccessResourceFailureException.class)
	ResponseEntity<ProblemDetail> databaseUnreachable(DataAccessResourceFailureException ex,
			HttpServletRequest request) {
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, "10")
			.body(problem(HttpStatus.SERVICE_UNAVAILABLE, "the database is unreachable: try again shortly", request));
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		String cause = ex.getMostSpecificCause().getMessage();
		return problem(ex, headers, status, request, "request body is not valid JSON of the expected shape: "
				+ (cause == null ? "" : cause.lines().findFirst().orElse("")));
	}

	@Override
	protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		return problem(ex, headers, status, request, PageErrors.badParameterMessage(ex, servlet(request)));
	}

	@Override
	protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		return problem(ex, headers, status, request, PageErrors.badParameterMessage(ex, servlet(request)));
	}

	/**
	 * An address nothing serves: under {@code /api/} a problem like every other API answer; elsewhere the server's
	 * error page (HTML for a browser), as before this handler existed.
	 */
	@Override
	protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		String path = servlet(request).getRequestURI();
		HttpServletResponse response = ((ServletWebRequest) request).getResponse();
		if (!path.startsWith("/api/") && response != null) {
			try {
				response.sendError(status.value());
			}
			catch (IOException gone) {
				// the client went away: nothing to answer
			}
			return null;
		}
		return problem(ex, headers, status, request, "nothing is served at " + path + ": see /v3/api-docs for the API");
	}

	private static HttpServletRequest servlet(WebRequest request) {
		return ((ServletWebRequest) request).getRequest();
	}

	/** Spring MVC's refusals (wrong method, unsupported media type, an {@code ErrorResponseException}...) too. */
	@Override
	protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
			HttpStatusCode statusCode, WebRequest request) {
		ResponseEntity<Object> answer = super.handleExceptionInternal(ex, body, headers, statusCode, request);
		if (answer != null && answer.getBody() instanceof ProblemDetail problem && problem.getInstance() == null) {
			problem.setInstance(URI.create(servlet(request).getRequestURI()));
		}
		return answer;
	}

	private ResponseEntity<Object> problem(Exception ex, HttpHeaders headers, HttpStatusCode status,
			WebRequest request, String detail) {
		return handleExceptionInternal(ex, problem(status, detail, servlet(request)), headers, status, request);
	}
}
