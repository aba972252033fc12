package org.snplab.web.tokens;

import java.security.Principal;

import org.snplab.RefusedException;
import org.snplab.security.ApiTokens;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import jakarta.servlet.http.HttpServletRequest;

/** The user's own API tokens (logged-in users only): a new token is shown once, on the page that follows its creation. */
@Controller
class TokensPageController {

	private final ApiTokens tokens;

	TokensPageController(ApiTokens tokens) {
		this.tokens = tokens;
	}

	@GetMapping("/tokens")
	String list(Principal user, Model model) {
		model.addAttribute("tokens", tokens.list(user.getName()));
		return "tokens/list";
	}

	@PostMapping("/tokens")
	String create(@RequestParam(defaultValue = "") String name, Principal user, Model model, RedirectAttributes redirect) {
		try {
			ApiTokens.NewToken created = tokens.create(user.getName(), name);
			redirect.addFlashAttribute("created", created);
			return "redirect:/tokens";
		}
		catch (RefusedException ex) {
			model.addAttribute("error", ex.getMessage());
			model.addAttribute("name", name);
			return list(user, model);
		}
	}

	@PostMapping("/tokens/{id}/revoke")
	String revoke(@PathVariable long id, Principal user, HttpServletRequest request, RedirectAttributes redirect) {
		tokens.revoke(user.getName(), false, id);
		redirect.addFlashAttribute("flash", "Revoked token " + id + ".");
		return "redirect:/tokens";
	}
}
