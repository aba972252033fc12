package org.snplab.security;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.dao.DataAccessException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.InternalAuthenticationServiceException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code Authorization: Bearer <token>} with an {@link ApiTokens API token}: the request acts as the token's user,
 * with their role. A token that isn't one (unknown, revoked, its user gone) is refused with 401 at once, also where
 * reading is open to anyone, so a script learns its token stopped working.
 */
final class BearerTokenFilter extends OncePerRequestFilter {

	private static final String BEARER = "Bearer ";

	private final ApiTokens tokens;

	private final AuthenticationRefusals refusals;

	BearerTokenFilter(ApiTokens tokens, AuthenticationRefusals refusals) {
		this.tokens = tokens;
		this.refusals = refusals;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String header = request.getHeader("Authorization");
		if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			chain.doFilter(request, response);
			return;
		}
		Optional<ApiTokens.Holder> holder;
		try {
			holder = tokens.holderOf(header.substring(BEARER.length()).strip());
		}
		catch (DataAccessException ex) {
			refusals.commence(request, response, new InternalAuthenticationServiceException(ex.getMessage(), ex));
			return;
		}
		if (holder.isEmpty()) {
			refusals.commence(request, response, new BadCredentialsException(
					"the bearer token is not a valid snplab API token (unknown, revoked, or its user was removed)"));
			return;
		}
		SecurityContext context = SecurityContextHolder.createEmptyContext();
		context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(holder.get().user(), null,
				List.of(new SimpleGrantedAuthority("ROLE_" + holder.get().role().toUpperCase()))));
		SecurityContextHolder.setContext(context);
		chain.doFilter(request, response);
	}
}
