package org.snplab.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;

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

	@Bean
	@Order(2)
	SecurityFilterChain securityFilterChain(HttpSecurity http, AccessProperties access) throws Exception {
		http.authorizeHttpRequests(requests -> {
			requests.requestMatchers("/login", "/error", "/snplab.css", "/log.js", "/favicon.ico").permitAll();
			// Administration, not reading: how snplab is set up is for admins only, even with public-read. Before the GET
			// rule below, which would otherwise open GET /api/repositories to anyone.
			requests.requestMatchers("/repositories", "/repositories/**", "/api/repositories", "/api/repositories/**")
				.hasRole("ADMIN");
			if (access.security().publicRead()) {
				requests.requestMatchers(HttpMethod.GET, "/**").permitAll();
			}
			else {
				requests.requestMatchers(HttpMethod.GET, "/**").hasAnyRole(READERS);
			}
			requests.requestMatchers(HttpMethod.POST, "/api/runs").hasRole("ADMIN")
				.requestMatchers("/api/hosts/**", "/hosts/**").hasRole("ADMIN")
				.requestMatchers("/api/**", "/runs/**", "/jobs/**").hasAnyRole("MAINTAINER", "ADMIN")
				.anyRequest().hasAnyRole("MAINTAINER", "ADMIN");
		})
			.httpBasic(Customizer.withDefaults())
			.formLogin(form -> form.loginPage("/login").permitAll())
			.logout(logout -> logout.logoutSuccessUrl("/"))
			// Non-browser clients (agents, GitHub, scripts with basic auth) can't carry a CSRF token; browsers
			// submitting forms always do, because the form login session never sends an Authorization header.
			// An API request with neither a session nor credentials has nothing to forge: it gets a plain 401.
			.csrf(csrf -> csrf.ignoringRequestMatchers(
					request -> request.getHeader("Authorization") != null,
					request -> request.getRequestURI().startsWith("/api/") && request.getRequestedSessionId() == null));
		return http.build();
	}

	@Bean
	PasswordEncoder passwordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}
}
