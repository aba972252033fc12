package org.snplab;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * A refusal answered by a servlet filter, before any controller (and so {@code web.ApiErrors}) is reached: the same
 * RFC 9457 problem {@code web.ApiErrors} answers, {@code title}, {@code status}, {@code detail} and {@code instance}
 * in {@code application/problem+json} (no {@code type}: RFC 9457's {@code about:blank}, as Spring writes it).
 */
public final class FilterProblems {

	private FilterProblems() {
	}

	public static void answer(HttpServletRequest request, HttpServletResponse response, JsonMapper json,
			HttpStatus status, String detail) throws IOException {
		Map<String, Object> problem = new LinkedHashMap<>();
		problem.put("title", status.getReasonPhrase());
		problem.put("status", status.value());
		problem.put("detail", detail);
		problem.put("instance", request.getRequestURI());
		response.setStatus(status.value());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setCharacterEncoding("UTF-8");
		response.getWriter().write(json.writeValueAsString(problem));
	}
}
