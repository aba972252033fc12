package org.snplab.security;

import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** A logged-in user's API tokens: {@code POST /api/tokens {"name": "ci"}} answers the token, once. */
@RestController
class ApiTokenController {

	private final ApiTokens tokens;

	ApiTokenController(ApiTokens tokens) {
		this.tokens = tokens;
	}

	record CreateRequest(String name) {
	}

	@PostMapping("/api/tokens")
	ResponseEntity<Map<String, Object>> create(@RequestBody(required = false) CreateRequest request, Principal user) {
		ApiTokens.NewToken token = tokens.create(user.getName(), request == null ? null : request.name());
		return ResponseEntity.created(URI.create("/api/tokens/" + token.id()))
			.body(Map.of("id", token.id(), "name", token.name(), "token", token.token(), "note",
					"shown once: keep it in a file only its script can read"));
	}

	@GetMapping("/api/tokens")
	List<ApiTokens.TokenView> list(Principal user) {
		return tokens.list(user.getName());
	}

	@DeleteMapping("/api/tokens/{id}")
	ResponseEntity<Void> revoke(@PathVariable long id, Principal user, HttpServletRequest request) {
		tokens.revoke(user.getName(), request.isUserInRole("ADMIN"), id);
		return ResponseEntity.noContent().build();
	}
}
