package org.snplab.web;

import org.snplab.RefusedException;

import org.springframework.beans.TypeMismatchException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.ModelAndView;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A refused page request (a run, job, host or repository that doesn't exist) answers an HTML page saying what wasn't
 * found. Limited to the page controllers' packages and ordered before {@link ApiErrors}; a JSON handler among them
 * ({@code /api/runs}, {@code /api/queue}) still answers the RFC 9457 problem {@link ApiErrors} answers everywhere else.
 */
@ControllerAdvice(basePackages = { "org.snplab.web.overview", "org.snplab.web.runs", "org.snplab.web.jobs",
		"org.snplab.web.hosts", "org.snplab.web.repositories" })
@Order(Ordered.HIGHEST_PRECEDENCE)
class PageErrors {

	/** @return the error page, or for a JSON handler the problem */
	@ExceptionHandler(RefusedException.class)
	Object refused(RefusedException ex, HandlerMethod handler, HttpServletRequest request,
			HttpServletResponse response) {
		return answer(handler, ApiErrors.statusOf(ex), ex.getMessage(), request, response);
	}

	/** An address with a parameter missing or of the wrong type ({@code /tests} without a name). */
	@ExceptionHandler({ MissingServletRequestParameterException.class, MethodArgumentTypeMismatchException.class })
	Object badParameter(Exception ex, HandlerMethod handler, HttpServletRequest request,
			HttpServletResponse response) {
		return answer(handler, HttpStatus.BAD_REQUEST, badParameterMessage(ex, request), request, response);
	}

	/** What was wrong with a missing or mistyped parameter, and where; pages and {@link ApiErrors} both say it. */
	static String badParameterMessage(Exception ex, HttpServletRequest request) {
		if (ex instanceof MissingServletRequestParameterException missing) {
			return request.getRequestURI() + " needs the parameter '" + missing.getParameterName() + "', e.g. "
					+ request.getRequestURI() + "?" + missing.getParameterName() + "=...";
		}
		TypeMismatchException mismatch = (TypeMismatchException) ex;
		String name = mismatch instanceof MethodArgumentTypeMismatchException argument ? argument.getName()
				: mismatch.getPropertyName();
		return request.getRequestURI() + ": '" + mismatch.getValue() + "' is not a valid "
				+ (name == null ? "value" : name) + (mismatch.getRequiredType() == null ? ""
						: " (" + mismatch.getRequiredType().getSimpleName() + ")");
	}

	private static Object answer(HandlerMethod handler, HttpStatus status, String message, HttpServletRequest request,
			HttpServletResponse response) {
		if (AnnotatedElementUtils.hasAnnotation(handler.getBeanType(), ResponseBody.class)
				|| handler.hasMethodAnnotation(ResponseBody.class)) {
			return ResponseEntity.status(status).body(ApiErrors.problem(status, message, request));
		}
		return page(status, message, request, response);
	}

	private static ModelAndView page(HttpStatus status, String message, HttpServletRequest request,
			HttpServletResponse response) {
		response.setStatus(status.value());
		ModelAndView page = new ModelAndView(status.value() == 404 ? "error/404" : "error/refused");
		page.setStatus(status);
		page.addObject("status", status.value());
		page.addObject("error", status.getReasonPhrase());
		page.addObject("message", message);
		page.addObject("path", request.getRequestURI());
		page.addObject("user", request.getUserPrincipal() == null ? null : request.getUserPrincipal().getName());
		page.addObject("admin", request.isUserInRole("ADMIN"));
		return page;
	}
}
