package org.snplab.security;

import java.io.IOException;
import java.time.Clock;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.InternalAuthenticationServiceException;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Pages and reads are open (unless {@code snplab.security.public-read=false}); actions need a role: maintainers
 * cancel, approve and retry, admins also act on hosts and edit GitHub repositories (whose pages and API, reads
 * included, only admins see: the rules for them come before the open GET rule, as the first match decides).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	private static final String[] READERS = { "VIEWER", "MAINTAINER", "ADMIN" };

	/**
	 * Agents (host credential, checked by the agent API) and GitHub (webhook signature, checked by the webhook)
	 * authenticate themselves: no session, no CSRF, no login. A lean chain of its own keeps the agent API fast.
	 */
	@Bean
	@Order(1)
	SecurityFilterChain machineFilterChain(HttpSecurity http) throws Exception {
		return http.securityMatcher("/api/agent/**", "/github/webhook")
			.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
			.csrf(csrf -> csrf.disable())
			.sessionManagement(session -> session.disable())
			.requestCache(cache -> cache.disable())
			.securityContext(context -> context.disable())
			.anonymous(anonymous -> anonymous.disable())
			.logout(logout -> logout.disable())
			.servletApi(servletApi -> servletApi.disable())
			.build();
	}

	/**
	 * No tracing spans around each security filter, authentication and authorization: on the agent API they cost
	 * more CPU than the job claim itself. Every request is still measured as a whole ({@code http.server.requests}).
	 */
	@Bean
	SecurityObservationSettings securityObservationSettings() {
		return SecurityObservationSettings.noObservations();
	}

	/**
	 * A request carrying an {@code Authorization} header (scripts using basic auth) is judged by that header alone,
	 * never by a session cookie sent along: a header that doesn't authenticate leaves the request anonymous. So CSRF
	 * is skipped only where the header itself authenticated, never for a session plus {@code Bearer junk}.
	 */
	@Bean
	@Order(2)
	SecurityFilterChain credentialsFilterChain(HttpSecurity http, AccessProperties access,
			AuthenticationRefusals refusals, ApiTokens tokens) throws Exception {
		http.securityMatcher(request -> request.getHeader("Authorization") != null);
		authorize(http, access);
		http.httpBasic(basic -> basic.authenticationEntryPoint(refusals))
			.addFilterBefore(new BearerTokenFilter(tokens, refusals), BasicAuthenticationFilter.class)
			.exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(refusals).accessDeniedHandler(refusals))
			.csrf(csrf -> csrf.disable())
			.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.securityContext(context -> context.securityContextRepository(new RequestAttributeSecurityContextRepository()))
			.requestCache(cache -> cache.disable());
		return http.build();
	}

	@Bean
	@Order(3)
	SecurityFilterChain securityFilterChain(HttpSecurity http, AccessProperties access, AuthenticationRefusals refusals)
			throws Exception {
		authorize(http, access);
		http.httpBasic(basic -> basic.authenticationEntryPoint(refusals))
			.exceptionHandling(exceptions -> exceptions.defaultAccessDeniedHandlerFor(refusals,
					request -> request.getRequestURI().startsWith("/api/")))
			.formLogin(form -> form.loginPage("/login").permitAll().failureHandler(SecurityConfiguration::loginFailed))
			.logout(logout -> logout.logoutSuccessUrl("/"))
			// Requests with an Authorization header have a chain of their own (above): here every action comes from
			// a session, and browsers submitting forms carry the CSRF token. An API request with neither a session nor
			// credentials has nothing to forge: it gets a plain 401.
			.csrf(csrf -> csrf.ignoringRequestMatchers(
					request -> request.getRequestURI().startsWith("/api/") && request.getRequestedSessionId() == null));
		return http.build();
	}

	/**
	 * A login that couldn't be checked because the database is unreachable says so (the name and password may well
	 * be right), instead of "wrong name or password".
	 */
	private static void loginFailed(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException ex) throws IOException {
		boolean unchecked = ex instanceof InternalAuthenticationServiceException && ex.getCause() instanceof DataAccessException;
		response.sendRedirect(request.getContextPath() + (unchecked ? "/login?unavailable" : "/login?error"));
	}

	private static void authorize(HttpSecurity http, AccessProperties access) throws Exception {
		http.authorizeHttpRequests(requests -> {
			requests.requestMatchers("/login", "/error", "/snplab.css", "/log.js", "/favicon.ico").permitAll();
			// Administration, not reading: how snplab is set up is for admins only, even with public-read. Before the GET
			// rule below, which would otherwise open GET /api/repositories to anyone.
			requests.requestMatchers("/repositories", "/repositories/**", "/api/repositories", "/api/repositories/**")
				.hasRole("ADMIN");
			// A user's own tokens: any logged-in user, never anonymous (also before the open GET rule).
			requests.requestMatchers("/api/tokens", "/api/tokens/**", "/tokens", "/tokens/**").hasAnyRole(READERS);
			// How to reach a host's BMC is for admins too.
			requests.requestMatchers("/api/hosts/*/power", "/api/hosts/*/power/**").hasRole("ADMIN");
			if (access.security().publicRead()) {
				requests.requestMatchers(HttpMethod.GET, "/**").permitAll();
			}
			else {
				requests.requestMatchers(HttpMethod.GET, "/**").hasAnyRole(READERS);
			}
			requests.requestMatchers(HttpMethod.POST, "/api/runs").hasRole("ADMIN")
				// Reservations are the maintainers' (HostReservations checks that only the holder or an admin changes one).
				.requestMatchers("/api/hosts/*/reservation", "/hosts/*/reservation", "/hosts/*/reservation/*")
				.hasAnyRole("MAINTAINER", "ADMIN")
				.requestMatchers("/api/hosts/**", "/hosts/**").hasRole("ADMIN")
				.requestMatchers("/api/**", "/runs/**", "/jobs/**").hasAnyRole("MAINTAINER", "ADMIN")
				.anyRequest().hasAnyRole("MAINTAINER", "ADMIN");
		});
	}

	@Bean
	AuthenticationRefusals authenticationRefusals(JsonMapper json) {
		return new AuthenticationRefusals(json);
	}

	/** Users' passwords, checked with bcrypt at most once a minute per credential, failures limited. */
	@Bean
	AuthenticationProvider passwordAuthentication(UserAccounts users, PasswordEncoder encoder, Clock clock) {
		DaoAuthenticationProvider passwords = new DaoAuthenticationProvider(users);
		passwords.setPasswordEncoder(encoder);
		return new CachedPasswordCheck(passwords, clock);
	}

	@Bean
	PasswordEncoder passwordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}
}
