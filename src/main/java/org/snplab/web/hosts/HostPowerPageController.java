package org.snplab.web.hosts;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.snplab.power.PowerAction;
import org.snplab.power.PowerActions;
import org.snplab.power.PowerSettingsStore;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The host page's power form and buttons (admins only): the same settings and actions as the JSON API. */
@Controller
class HostPowerPageController {

	/** The form's fields that belong to each driver; empty ones are left out (the password stays then). */
	private static final Map<String, List<String>> FIELDS = Map.of("ipmi", List.of("address", "port", "user", "password"),
			"redfish", List.of("url", "user", "password", "ca-cert"), "command", List.of("command"));

	private final PowerSettingsStore settings;

	private final PowerActions actions;

	HostPowerPageController(PowerSettingsStore settings, PowerActions actions) {
		this.settings = settings;
		this.actions = actions;
	}

	@PostMapping("/hosts/{id}/power")
	String save(@PathVariable long id, @RequestParam Map<String, String> form, Principal principal,
			RedirectAttributes redirect) {
		String driver = form.getOrDefault("driver", "");
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("driver", driver);
		for (String field : FIELDS.getOrDefault(driver, List.of())) {
			String value = form.get(field);
			if (value != null && !value.isBlank()) {
				body.put(field, field.equals("port") ? port(value) : value);
			}
		}
		settings.save(id, body, principal.getName());
		redirect.addFlashAttribute("flash", "Power settings saved.");
		return "redirect:/hosts/" + id;
	}

	@PostMapping("/hosts/{id}/power/{action:status|on|off|cycle}")
	String act(@PathVariable long id, @PathVariable String action, @RequestParam(required = false) String reason,
			Principal principal, RedirectAttributes redirect) {
		PowerActions.Outcome outcome = actions.run(id, PowerAction.of(action), principal.getName(), reason);
		redirect.addFlashAttribute("flash", outcome.summary());
		return "redirect:/hosts/" + id;
	}

	/** A port that isn't a number is passed on as text, so the settings' check names it. */
	private static Object port(String value) {
		try {
			return Integer.valueOf(value.strip());
		}
		catch (NumberFormatException ex) {
			return value;
		}
	}
}
