package org.snplab.hosts;

import java.util.List;
import java.util.Map;

import org.snplab.RequestException;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The JSON API for hosts: anyone may look; admins enable, drain, put into maintenance, label and remove. */
@RestController
class HostController {

	private final HostRegistry hosts;

	HostController(HostRegistry hosts) {
		this.hosts = hosts;
	}

	@GetMapping("/api/hosts")
	List<HostView> list() {
		return hosts.findAll().stream().map(HostView::of).toList();
	}

	@GetMapping("/api/hosts/{id}")
	HostView get(@PathVariable long id) {
		return HostView.of(find(id));
	}

	/** enable, disable, drain (finish current jobs, take no new one), maintenance, or activate (back to service). */
	@PostMapping("/api/hosts/{id}/{action:enable|disable|drain|maintenance|activate}")
	HostView act(@PathVariable long id, @PathVariable String action) {
		find(id);
		Host host = switch (action) {
			case "enable" -> hosts.setEnabled(id, true);
			case "disable" -> hosts.setEnabled(id, false);
			case "drain" -> hosts.setMode(id, Host.Mode.DRAINING);
			case "maintenance" -> hosts.setMode(id, Host.Mode.MAINTENANCE);
			default -> hosts.setMode(id, Host.Mode.ACTIVE);
		};
		return HostView.of(host);
	}

	/** Removes a host that left the lab (refused while it runs a job); its history stays. */
	@DeleteMapping("/api/hosts/{id}")
	ResponseEntity<Void> remove(@PathVariable long id) {
		hosts.remove(id);
		return ResponseEntity.noContent().build();
	}

	@PutMapping("/api/hosts/{id}/labels")
	HostView labels(@PathVariable long id, @RequestBody Map<String, String> labels) {
		find(id);
		labels.keySet().forEach(key -> {
			if (!key.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
				throw RequestException.badRequest("label names are 1-63 letters, digits, '.', '_' or '-'; got " + key);
			}
		});
		return HostView.of(hosts.setAdminLabels(id, labels));
	}

	private Host find(long id) {
		return hosts.find(id).orElseThrow(() -> RequestException.notFound("no host with id " + id));
	}

	record HostView(long id, String name, String state, boolean enabled, String mode, String status, int slots,
			Map<String, String> facts, Map<String, String> labels, java.time.Instant lastSeen, String modeReason) {

		static HostView of(Host host) {
			return new HostView(host.id(), host.name(), host.state(), host.enabled(), host.mode().name().toLowerCase(),
					host.status().name().toLowerCase(), host.slots(), host.facts(), host.labels(), host.lastSeen(),
					host.modeReason());
		}
	}
}
