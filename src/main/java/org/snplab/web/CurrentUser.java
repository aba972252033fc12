package org.snplab.web;

import java.security.Principal;

import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Puts the logged-in user's name (or null) into every page's model, and whether they are an admin, for the
 * navigation bar.
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
}
