package org.snplab.repositories;

import java.util.List;

import org.snplab.InvalidInputException;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/repositories}: the GitHub repositories snplab serves, and (admins only, see
 * {@code SecurityConfiguration}) adding or overriding one in the database, or removing that row again. Secrets are
 * written, never read back: views only say whether one is set. The rules are {@link RepositoryAdministration}'s, the
 * same as the dashboard's.
 */
@RestController
class RepositoryController {

	private final RepositoryAdministration administration;

	RepositoryController(RepositoryAdministration administration) {
		this.administration = administration;
	}

	@GetMapping("/api/repositories")
	List<RepositoryView> list() {
		return administration.all();
	}

	@GetMapping("/api/repositories/{owner}/{name}")
	RepositoryView get(@PathVariable String owner, @PathVariable String name) {
		return administration.get(owner + "/" + name);
	}

	/** Inserts or replaces the database entry of that repository; see {@link RepositoryAdministration#save}. */
	@PutMapping("/api/repositories/{owner}/{name}")
	RepositoryView put(@PathVariable String owner, @PathVariable String name,
			@RequestBody(required = false) RepositoryChange request) {
		String fullName = RepositoryRules.fullName(owner + "/" + name);
		if (request == null) {
			throw new InvalidInputException("a JSON object with the repository's fields is required");
		}
		if (request.name() != null && !request.name().equalsIgnoreCase(fullName)) {
			throw new InvalidInputException("name in the body (" + request.name() + ") differs from the path ("
					+ fullName + ")");
		}
		return administration.save(fullName, request);
	}

	@DeleteMapping("/api/repositories/{owner}/{name}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@PathVariable String owner, @PathVariable String name) {
		administration.remove(owner + "/" + name);
	}
}
