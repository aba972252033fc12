package org.snplab.web.hosts;

import java.security.Principal;

import org.snplab.InvalidInputException;
import org.snplab.NotFoundException;
import org.snplab.health.HealthChecks;
import org.snplab.hosts.HostAdministration;
import org.snplab.hosts.HostHistory;
import org.snplab.hosts.HostReservations;
import org.snplab.power.PowerSettingsStore;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import jakarta.servlet.http.HttpServletRequest;

/** The hosts list, a host's page with its job history and timeline, the admins' host actions and reservations. */
@Controller
class HostsPageController {

	private final HostQueries queries;

	private final HostAdministration administration;

	private final HostHistory timeline;

	private final PowerSettingsStore power;

	private final HostReservations reservations;

	private final HealthChecks healthChecks;

	HostsPageController(HostQueries queries, HostAdministration administration, HostHistory timeline,
			PowerSettingsStore power, HostReservations reservations, HealthChecks healthChecks) {
		this.healthChecks = healthChecks;
		this.queries = queries;
		this.administration = administration;
		this.timeline = timeline;
		this.power = power;
		this.reservations = reservations;
	}

	/** A maintainer reserves the host (the form's minutes and reason); refusals are shown like the API's. */
	@PostMapping("/hosts/{id}/reservation")
	String reserve(@PathVariable long id, @RequestParam(required = false) String minutes,
			@RequestParam(required = false) String reason, Principal user) {
		reservations.reserve(id, user.getName(), minutes(minutes), reason);
		return "redirect:/hosts/" + id;
	}

	@PostMapping("/hosts/{id}/reservation/extend")
	String extend(@PathVariable long id, @RequestParam(required = false) String minutes, Principal user,
			HttpServletRequest request) {
		reservations.extend(id, user.getName(), request.isUserInRole("ADMIN"), minutes(minutes), null);
		return "redirect:/hosts/" + id;
	}

	/** An admin queues a health check of the host now. */
	@PostMapping("/hosts/{id}/health-check")
	String checkHealth(@PathVariable long id) {
		healthChecks.request(id, "asked by admin");
		return "redirect:/hosts/" + id;
	}

	@PostMapping("/hosts/{id}/reservation/release")
	String release(@PathVariable long id, Principal user, HttpServletRequest request) {
		reservations.release(id, user.getName(), request.isUserInRole("ADMIN"));
		return "redirect:/hosts/" + id;
	}

	private static Integer minutes(String text) {
		try {
			return text == null || text.isBlank() ? null : Integer.valueOf(text.strip());
		}
		catch (NumberFormatException e) {
			throw new InvalidInputException("minutes must be a whole number, got '" + text + "'");
		}
	}

	@GetMapping("/hosts")
	String list(Model model) {
		model.addAttribute("hosts", queries.all());
		return "hosts/list";
	}

	@GetMapping("/hosts/{id}")
	String host(@PathVariable long id, @RequestParam(required = false) Long before, Model model,
			HttpServletRequest request) {
		HostQueries.HostRow row = queries.one(id);
		if (row == null) {
			throw new NotFoundException("no host with id " + id);
		}
		model.addAttribute("row", row);
		model.addAttribute("history", queries.history(id, before));
		model.addAttribute("timeline", timeline.timeline(id, 100));
		// How to reach the BMC is for admins only, like its form.
		if (request.isUserInRole("ADMIN")) {
			model.addAttribute("power", power.view(id).orElse(null));
		}
		return "hosts/host";
	}

	/** enable, drain (finish current jobs, take no new one), maintenance, or activate (back to service). */
	@PostMapping("/hosts/{id}/{action:enable|disable|drain|maintenance|activate}")
	String act(@PathVariable long id, @PathVariable String action, @RequestParam(required = false) String reason,
			Principal principal) {
		administration.act(id, action, principal.getName(), reason);
		return "redirect:/hosts/" + id;
	}

	/** Removes a host that left the lab (refused while it runs a job); its job history stays. */
	@PostMapping("/hosts/{id}/remove")
	String remove(@PathVariable long id, Principal principal) {
		administration.remove(id, principal.getName(), null);
		return "redirect:/hosts";
	}
}
