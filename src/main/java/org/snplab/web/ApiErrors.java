package org.snplab.web;

import java.util.Map;

import org.snplab.RequestException;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/** Every refused API request answers {@code {"status": N, "error": "what was wrong and where"}}. */
@RestControllerAdvice
class ApiErrors {

	@ExceptionHandler(RequestException.class)
	ResponseEntity<Map<String, Object>> refused(RequestException ex) {
		return answer(ex.status(), ex.getMessage());
	}

	@ExceptionHandler(HttpMessageNotReadableException.class)
	ResponseEntity<Map<String, Object>> unreadable(HttpMessageNotReadableException ex) {
		String detail = ex.getMostSpecificCause().getMessage();
		return answer(HttpStatus.BAD_REQUEST, "request body is not valid JSON of the expected shape: "
				+ (detail == null ? "" : detail.lines().findFirst().orElse("")));
	}

	@ExceptionHandler({ MissingServletRequestParameterException.class, MethodArgumentTypeMismatchException.class })
	ResponseEntity<Map<String, Object>> badParameter(Exception ex) {
		return answer(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	/** The database is down or its connections are used up: the request may well succeed in a moment. */
	@ExceptionHandler(DataAccessResourceFailureException.class)
	ResponseEntity<Map<String, Object>> databaseUnreachable(DataAccessResourceFailureException ex) {
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header("Retry-After", "10")
			.body(Map.of("status", 503, "error", "the database is unreachable: try again shortly"));
	}

	private static ResponseEntity<Map<String, Object>> answer(HttpStatus status, String message) {
		return ResponseEntity.status(status).body(Map.of("status", status.value(), "error", message));
	}
}
