package org.snplab.web.hosts;

import org.snplab.RequestException;
import org.snplab.hosts.Host;
import org.snplab.hosts.HostRegistry;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The hosts list, a host's page with its job history, and the admins' host actions. */
@Controller
class HostsPageController {

	private final HostQueries queries;

	private final HostRegistry hosts;

	HostsPageController(HostQueries queries, HostRegistry hosts) {
		this.queries = queries;
		this.hosts = hosts;
	}

	@GetMapping("/hosts")
	String list(Model model) {
		model.addAttribute("hosts", queries.all());
		return "hosts/list";
	}

	@GetMapping("/hosts/{id}")
	String host(@PathVariable long id, @RequestParam(required = false) Long before, Model model) {
		HostQueries.HostRow row = queries.one(id);
		if (row == null) {
			throw RequestException.notFound("no host with id " + id);
		}
		model.addAttribute("row", row);
		model.addAttribute("history", queries.history(id, before));
		return "hosts/host";
	}

	/** enable, drain (finish current jobs, take no new one), maintenance, or activate (back to service). */
	@PostMapping("/hosts/{id}/{action:enable|disable|drain|maintenance|activate}")
	String act(@PathVariable long id, @PathVariable String action) {
		hosts.find(id).orElseThrow(() -> RequestException.notFound("no host with id " + id));
		switch (action) {
			case "enable" -> hosts.setEnabled(id, true);
			case "disable" -> hosts.setEnabled(id, false);
			case "drain" -> hosts.setMode(id, Host.Mode.DRAINING);
			case "maintenance" -> hosts.setMode(id, Host.Mode.MAINTENANCE);
			default -> hosts.setMode(id, Host.Mode.ACTIVE);
		}
		return "redirect:/hosts/" + id;
	}

	/** Removes a host that left the lab (refused while it runs a job); its job history stays. */
	@PostMapping("/hosts/{id}/remove")
	String remove(@PathVariable long id) {
		hosts.remove(id);
		return "redirect:/hosts";
	}
}
