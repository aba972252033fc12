package org.snplab.web;

import org.snplab.hosts.Quarantine;
import org.snplab.hosts.QuarantineCap;

import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * The overview's and the hosts pages' banner while {@code snplab.health.max-unhealthy} keeps failing hosts in
 * service ("quarantine stopped: 2 of 4 hosts already out — ..."): many hosts failing at once needs a person.
 */
@ControllerAdvice(basePackages = { "org.snplab.web.overview", "org.snplab.web.hosts" })
class QuarantineBanner {

	private final Quarantine quarantine;

	QuarantineBanner(Quarantine quarantine) {
		this.quarantine = quarantine;
	}

	@ModelAttribute("quarantineCap")
	QuarantineCap quarantineCap() {
		return quarantine.cap();
	}
}
