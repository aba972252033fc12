package org.snplab.hosts;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.snplab.FilterProblems;
import org.snplab.SnplabVersion;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The agent protocol's version check: an agent sends {@value SnplabVersion#PROTOCOL_HEADER} (none: an agent from before
 * the protocol was versioned, which spoke version 1); one this server can't serve gets 426 saying what to upgrade,
 * instead of misreading answers. The jar download stays open to every agent: it is how an old one upgrades.
 */
@Configuration(proxyBeanMethods = false)
class AgentProtocolFilter {

	/** The oldest agent protocol this server still serves. */
	static final int OLDEST = 1;

	@Bean
	FilterRegistrationBean<OncePerRequestFilter> agentProtocolCheck(JsonMapper json) {
		FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(new OncePerRequestFilter() {

			@Override
			protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
					throws ServletException, IOException {
				String refusal = refusal(request.getHeader(SnplabVersion.PROTOCOL_HEADER),
						request.getHeader(SnplabVersion.VERSION_HEADER));
				if (refusal == null || request.getRequestURI().equals("/api/agent/snplab.jar")) {
					chain.doFilter(request, response);
					return;
				}
				HttpStatus status = refusal.startsWith(SnplabVersion.PROTOCOL_HEADER) ? HttpStatus.BAD_REQUEST
						: HttpStatus.UPGRADE_REQUIRED;
				FilterProblems.answer(request, response, json, status, refusal);
			}
		});
		registration.addUrlPatterns("/api/agent/*");
		return registration;
	}

	/** Why a request of an agent speaking that protocol is refused; null when it is served. */
	static String refusal(String protocol, String agentVersion) {
		if (protocol == null) {
			return null;
		}
		int version;
		try {
			version = Integer.parseInt(protocol.strip());
		}
		catch (NumberFormatException ex) {
			return SnplabVersion.PROTOCOL_HEADER + " must be a number, not '" + protocol + "'";
		}
		String agent = "this agent (snplab " + (agentVersion == null ? "unknown" : agentVersion) + ") speaks agent protocol "
				+ version + ", this server (snplab " + SnplabVersion.current() + ") " + OLDEST
				+ (OLDEST == SnplabVersion.AGENT_PROTOCOL ? "" : " to " + SnplabVersion.AGENT_PROTOCOL);
		if (version < OLDEST) {
			return agent + ": upgrade the agent to the server's own jar: deploy/agent/install.sh --server URL "
					+ "--token-file FILE (it downloads GET /api/agent/snplab.jar)";
		}
		if (version > SnplabVersion.AGENT_PROTOCOL) {
			return agent + ": the agent is newer than the server: upgrade the server, or install the server's own "
					+ "agent jar (GET /api/agent/snplab.jar)";
		}
		return null;
	}
}
