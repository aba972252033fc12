package org.snplab.web;

import java.security.Principal;

import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Puts the logged-in user's name (or null) into every page's model, and what they may do: the navigation bar and
 * the action buttons show only what the user is allowed to use.
 */
@ControllerAdvice(basePackages = "org.snplab.web")
class CurrentUser {

	@ModelAttribute("user")
	String user(Principal principal) {
		return principal == null ? null : principal.getName();
	}

	@ModelAttribute("admin")
	boolean admin(HttpServletRequest request) {
		return request.isUserInRole("ADMIN");
	}

	/** Whether the user may act on runs and jobs (approve, cancel, retry): pages show those buttons only then. */
	@ModelAttribute("maintainer")
	boolean maintainer(HttpServletRequest request) {
		return request.isUserInRole("MAINTAINER") || request.isUserInRole("ADMIN");
	}
}
