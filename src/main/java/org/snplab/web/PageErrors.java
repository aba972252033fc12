package org.snplab.web;

import org.snplab.RequestException;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.ModelAndView;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A refused page request (a run, job, host or repository that doesn't exist) answers an HTML page saying what wasn't
 * found. Limited to the page controllers and ordered before {@link ApiErrors}, which still answers every API request
 * with JSON.
 */
@ControllerAdvice(basePackages = { "org.snplab.web.overview", "org.snplab.web.runs", "org.snplab.web.jobs",
		"org.snplab.web.hosts", "org.snplab.web.repositories" })
@Order(Ordered.HIGHEST_PRECEDENCE)
class PageErrors {

	@ExceptionHandler(RequestException.class)
	ModelAndView refused(RequestException ex, HttpServletRequest request, HttpServletResponse response) {
		return page(ex.status(), ex.getMessage(), request, response);
	}

	/** A page address with a parameter missing or of the wrong type ({@code /tests} without a name). */
	@ExceptionHandler({ MissingServletRequestParameterException.class, MethodArgumentTypeMismatchException.class })
	ModelAndView badParameter(Exception ex, HttpServletRequest request, HttpServletResponse response) {
		String message = ex instanceof MissingServletRequestParameterException missing
				? request.getRequestURI() + " needs the parameter '" + missing.getParameterName() + "', e.g. "
						+ request.getRequestURI() + "?" + missing.getParameterName() + "=..."
				: request.getRequestURI() + ": '" + ((MethodArgumentTypeMismatchException) ex).getValue()
						+ "' is not a valid " + ((MethodArgumentTypeMismatchException) ex).getName();
		return page(HttpStatus.BAD_REQUEST, message, request, response);
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
