package org.snplab.power;

import java.security.Principal;
import java.util.Map;

import org.snplab.InvalidInputException;
import org.snplab.NotFoundException;
import org.snplab.hosts.HostRegistry;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The JSON API of a host's power (admins only): its settings, and status, on, off and cycle. */
@RestController
class PowerController {

	private final PowerSettingsStore settings;

	private final PowerActions actions;

	private final HostRegistry hosts;

	PowerController(PowerSettingsStore settings, PowerActions actions, HostRegistry hosts) {
		this.settings = settings;
		this.actions = actions;
		this.hosts = hosts;
	}

	@GetMapping("/api/hosts/{id}/power")
	Map<String, Object> get(@PathVariable long id) {
		host(id);
		return settings.view(id).orElseThrow(() -> new NotFoundException("host " + id + " has no power settings"));
	}

	@PutMapping("/api/hosts/{id}/power")
	Map<String, Object> put(@PathVariable long id, @RequestBody(required = false) Map<String, Object> body,
			Principal principal) {
		host(id);
		return settings.save(id, body, principal.getName());
	}

	/** 200 with the outcome when it is done; 502 with it when the BMC failed every attempt. */
	@PostMapping("/api/hosts/{id}/power/{action:status|on|off|cycle}")
	ResponseEntity<PowerActions.Outcome> act(@PathVariable long id, @PathVariable String action,
			@RequestBody(required = false) Map<String, Object> body, Principal principal) {
		Object reason = body == null ? null : body.get("reason");
		if (reason != null && !(reason instanceof String)) {
			throw new InvalidInputException("reason must be a string, got " + reason);
		}
		PowerActions.Outcome outcome = actions.run(id, PowerAction.of(action), principal.getName(), (String) reason);
		return ResponseEntity.status(outcome.done() ? HttpStatus.OK : HttpStatus.BAD_GATEWAY).body(outcome);
	}

	private void host(long id) {
		hosts.find(id).orElseThrow(() -> new NotFoundException("no host with id " + id));
	}
}
