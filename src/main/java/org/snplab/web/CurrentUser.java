package org.snplab.web;

import java.security.Principal;

import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** Puts the logged-in user's name (or null) into every page's model, for the navigation bar. */
@ControllerAdvice(basePackages = "org.snplab.web")
class CurrentUser {

	@ModelAttribute("user")
	String user(Principal principal) {
		return principal == null ? null : principal.getName();
	}
}
