package org.snplab.hosts;

import java.security.Principal;
import java.util.List;
import java.util.Map;

import org.snplab.InvalidInputException;
import org.snplab.NotFoundException;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The JSON API for hosts: anyone may look; maintainers reserve; admins enable, drain, put into maintenance, label and
 * remove.
 */
@RestController
class HostController {

	private final HostRegistry hosts;

	private final HostReservations reservations;

	private final HostAdministration administration;

	private final HostHistory history;

	HostController(HostRegistry hosts, HostReservations reservations, HostAdministration administration,
			HostHistory history) {
		this.hosts = hosts;
		this.reservations = reservations;
		this.administration = administration;
		this.history = history;
	}

	/** A maintainer or admin reserves the host for {@code minutes} from now, saying why. */
	@PostMapping("/api/hosts/{id}/reservation")
	ResponseEntity<HostView> reserve(@PathVariable long id, @RequestBody(required = false) ReservationRequest request,
			Principal user) {
		ReservationRequest body = request == null ? ReservationRequest.NONE : request;
		return ResponseEntity.status(201).body(HostView.of(reservations.reserve(id, user.getName(), body.minutes(), body.reason())));
	}

	/** The reservation's holder or an admin makes it end {@code minutes} from now. */
	@PutMapping("/api/hosts/{id}/reservation")
	HostView extend(@PathVariable long id, @RequestBody(required = false) ReservationRequest request, Principal user,
			HttpServletRequest http) {
		ReservationRequest body = request == null ? ReservationRequest.NONE : request;
		return HostView.of(reservations.extend(id, user.getName(), http.isUserInRole("ADMIN"), body.minutes(), body.reason()));
	}

	/** The reservation's holder or an admin releases the host: it takes work again. */
	@DeleteMapping("/api/hosts/{id}/reservation")
	HostView release(@PathVariable long id, Principal user, HttpServletRequest http) {
		return HostView.of(reservations.release(id, user.getName(), http.isUserInRole("ADMIN")));
	}

	@GetMapping("/api/hosts")
	List<HostView> list() {
		return hosts.findAll().stream().map(HostView::of).toList();
	}

	@GetMapping("/api/hosts/{id}")
	HostView get(@PathVariable long id) {
		return HostView.of(find(id));
	}

	/**
	 * enable, disable, drain (finish current jobs, take no new one), maintenance, or activate (back to service);
	 * recorded on the host's timeline with the admin's name and the optional {@code {"reason": "..."}}.
	 */
	@PostMapping("/api/hosts/{id}/{action:enable|disable|drain|maintenance|activate}")
	HostView act(@PathVariable long id, @PathVariable String action,
			@RequestBody(required = false) Map<String, Object> body, Principal principal) {
		return HostView.of(administration.act(id, action, principal.getName(), reason(body)));
	}

	/** Removes a host that left the lab (refused while it runs a job); its history stays. */
	@DeleteMapping("/api/hosts/{id}")
	ResponseEntity<Void> remove(@PathVariable long id, Principal principal) {
		administration.remove(id, principal.getName(), null);
		return ResponseEntity.noContent().build();
	}

	/** The host's timeline, newest first: state changes, power actions, quarantines, admin actions. */
	@GetMapping("/api/hosts/{id}/history")
	List<HostHistory.HostEvent> history(@PathVariable long id,
			@RequestParam(defaultValue = "200") int limit) {
		find(id);
		if (limit < 1 || limit > 1000) {
			throw new InvalidInputException("limit must be between 1 and 1000, got " + limit);
		}
		return history.timeline(id, limit);
	}

	/** The optional {@code reason} of an action's JSON body. */
	static String reason(Map<String, Object> body) {
		Object reason = body == null ? null : body.get("reason");
		if (reason != null && !(reason instanceof String)) {
			throw new InvalidInputException("reason must be a string, got " + reason);
		}
		return (String) reason;
	}

	@PutMapping("/api/hosts/{id}/labels")
	HostView labels(@PathVariable long id, @RequestBody Map<String, String> labels) {
		find(id);
		labels.keySet().forEach(key -> {
			if (!key.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
				throw new InvalidInputException("label names are 1-63 letters, digits, '.', '_' or '-'; got " + key);
			}
		});
		return HostView.of(administration.setAdminLabels(id, labels));
	}

	private Host find(long id) {
		return hosts.find(id).orElseThrow(() -> new NotFoundException("no host with id " + id));
	}

	record ReservationRequest(Integer minutes, String reason) {

		static final ReservationRequest NONE = new ReservationRequest(null, null);
	}

	/**
	 * @param reservation who has the host and until when; null when nobody has
	 * @param health its last health check's outcome
	 * @param address where the roles of a multi-host job on other hosts reach it, as its agent reports it
	 */
	record HostView(long id, String name, String state, boolean enabled, String mode, String status, int slots,
			Map<String, String> facts, Map<String, String> labels, java.time.Instant lastSeen, String modeReason,
			ReservationView reservation, HealthView health, String address) {

		static HostView of(Host host) {
			Host.Reservation r = host.reservation();
			Host.Health h = host.health();
			return new HostView(host.id(), host.name(), host.state(), host.enabled(), host.mode().value(),
					host.status().value(), host.slots(), host.facts(), host.labels(), host.lastSeen(),
					host.modeReason(), r == null ? null : new ReservationView(r.by(), r.until(), r.reason()),
					new HealthView(h.state().value(), h.reason(), h.checkedAt(), h.jobId(), h.admitsJobs()),
					host.address());
		}
	}

	/**
	 * @param state unknown, good or bad
	 * @param job the last check's job id (its log is at {@code /jobs/{job}}); null for a facts change
	 * @param takesJobs whether the host takes jobs other than its health check
	 */
	record HealthView(String state, String reason, java.time.Instant checkedAt, Long job, boolean takesJobs) {
	}

	record ReservationView(String by, java.time.Instant until, String reason) {
	}
}
