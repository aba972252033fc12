package org.snplab.security;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.snplab.FilterProblems;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.InternalAuthenticationServiceException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.www.BasicAuthenticationEntryPoint;

/**
 * How a request without valid credentials is answered: 401 with a basic-auth challenge, as before; but credentials
 * that couldn't be checked because the database is unreachable get 503 (try again, they may well be right), and a
 * user or address that failed too often gets 429; all as the API's RFC 9457 problems
 * ({@link FilterProblems}).
 */
final class AuthenticationRefusals implements AuthenticationEntryPoint, AccessDeniedHandler {

	private final BasicAuthenticationEntryPoint basic = new BasicAuthenticationEntryPoint();

	private final JsonMapper json;

	AuthenticationRefusals(JsonMapper json) {
		this.json = json;
		basic.setRealmName("Realm"); // Spring Security's default for httpBasic()
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException ex)
			throws IOException {
		if (ex instanceof TooManyFailedLogins) {
			response.setHeader("Retry-After", Long.toString(FailedLogins.WINDOW.toSeconds()));
			answer(request, response, HttpStatus.TOO_MANY_REQUESTS, ex.getMessage());
		}
		else if (ex instanceof InternalAuthenticationServiceException && ex.getCause() instanceof DataAccessException) {
			response.setHeader("Retry-After", "10");
			answer(request, response, HttpStatus.SERVICE_UNAVAILABLE,
					"the database is unreachable, so credentials can't be checked now: try again shortly");
		}
		else if (request.getRequestURI().startsWith("/api/")) {
			response.setHeader("WWW-Authenticate", "Basic realm=\"Realm\"");
			answer(request, response, HttpStatus.UNAUTHORIZED, ex instanceof BadCredentialsException
					? (ex.getMessage().startsWith("the bearer token") ? ex.getMessage() : "wrong user name or password")
					: "log in first: send a user's name and password (basic auth) or an API token "
							+ "(Authorization: Bearer <token>, made at /tokens or with POST /api/tokens)");
		}
		else {
			basic.commence(request, response, ex);
		}
	}

	/** A logged-in user without the role an API action needs: 403 in the API's shape, naming what it needs. */
	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException ex)
			throws IOException {
		Authentication user = SecurityContextHolder.getContext().getAuthentication();
		String role = user == null ? "none" : user.getAuthorities().stream()
			.map(a -> a.getAuthority().replaceFirst("^ROLE_", "").toLowerCase())
			.findFirst()
			.orElse("none");
		answer(request, response, HttpStatus.FORBIDDEN, request.getMethod() + " " + request.getRequestURI()
				+ " needs a role this user doesn't have (" + (user == null ? "anonymous" : user.getName()) + " is " + role
				+ "): reading needs viewer, acting on runs and jobs maintainer, hosts, repositories and API runs admin");
	}

	private void answer(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String message)
			throws IOException {
		FilterProblems.answer(request, response, json, status, message);
	}
}
