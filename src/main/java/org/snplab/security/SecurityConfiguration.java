package org.snplab.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Pages and reads are open (unless {@code snplab.security.public-read=false}); actions need a role: maintainers
 * cancel, approve and retry, admins also act on hosts. Agents authenticate with their own host credential
 * (checked by the agent API itself) and GitHub with its webhook signature, so both bypass user authentication.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	private static final String[] READERS = { "VIEWER", "MAINTAINER", "ADMIN" };

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http, AccessProperties access) throws Exception {
		http.authorizeHttpRequests(requests -> {
			requests.requestMatchers("/api/agent/**", "/github/webhook").permitAll()
				.requestMatchers("/login", "/error", "/snplab.css", "/log.js", "/favicon.ico").permitAll();
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
					request -> request.getRequestURI().startsWith("/api/") && request.getRequestedSessionId() == null,
					request -> request.getRequestURI().startsWith("/api/agent/"),
					request -> request.getRequestURI().equals("/github/webhook")));
		return http.build();
	}

	@Bean
	PasswordEncoder passwordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}
}
