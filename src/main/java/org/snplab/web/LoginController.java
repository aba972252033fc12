package org.snplab.web;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The form login page; Spring Security handles the POST. */
@Controller
class LoginController {

	@GetMapping("/login")
	String login() {
		return "login/login";
	}
}
