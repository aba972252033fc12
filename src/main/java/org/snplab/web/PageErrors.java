package org.snplab.web;

import org.snplab.RequestException;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
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
		response.setStatus(ex.status().value());
		ModelAndView page = new ModelAndView(ex.status().value() == 404 ? "error/404" : "error/refused");
		page.setStatus(ex.status());
		page.addObject("status", ex.status().value());
		page.addObject("error", ex.status().getReasonPhrase());
		page.addObject("message", ex.getMessage());
		page.addObject("path", request.getRequestURI());
		page.addObject("user", request.getUserPrincipal() == null ? null : request.getUserPrincipal().getName());
		page.addObject("admin", request.isUserInRole("ADMIN"));
		return page;
	}
}
