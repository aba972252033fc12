package org.snplab.security;

import java.io.IOException;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.InternalAuthenticationServiceException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationEntryPoint;

/**
 * How a request without valid credentials is answered: 401 with a basic-auth challenge, as before; but credentials
 * that couldn't be checked because the database is unreachable get 503 (try again, they may well be right), and a
 * user or address that failed too often gets 429; both in the API's {@code {"status": N, "error": "..."}} shape.
 */
final class AuthenticationRefusals implements AuthenticationEntryPoint {

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
			answer(response, HttpStatus.TOO_MANY_REQUESTS, ex.getMessage());
		}
		else if (ex instanceof InternalAuthenticationServiceException && ex.getCause() instanceof DataAccessException) {
			response.setHeader("Retry-After", "10");
			answer(response, HttpStatus.SERVICE_UNAVAILABLE,
					"the database is unreachable, so credentials can't be checked now: try again shortly");
		}
		else {
			basic.commence(request, response, ex);
		}
	}

	private void answer(HttpServletResponse response, HttpStatus status, String message) throws IOException {
		response.setStatus(status.value());
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setCharacterEncoding("UTF-8");
		response.getWriter().write(json.writeValueAsString(Map.of("status", status.value(), "error", message)));
	}
}
