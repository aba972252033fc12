package org.snplab.hosts;

import java.nio.file.Files;
import java.nio.file.Path;

import org.snplab.NotFoundException;
import org.snplab.UnauthenticatedException;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.system.ApplicationHome;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The server hands out its own jar, so a host's installer ({@code deploy/agent/install.sh}) runs the agent of the
 * same version as the server, downloaded with the registration token it registers with (or, for an upgrade, a
 * host's credential). The jar is {@code snplab.agent.jar} if set, else the jar this server runs from.
 */
@RestController
class AgentJarController {

	private final HostRegistry hosts;

	private final RegistrationToken registrationToken;

	private final Path configured;

	AgentJarController(HostRegistry hosts, RegistrationToken registrationToken,
			@Value("${snplab.agent.jar:}") String configured) {
		this.hosts = hosts;
		this.registrationToken = registrationToken;
		this.configured = configured.isBlank() ? null : Path.of(configured);
	}

	@GetMapping("/api/agent/snplab.jar")
	ResponseEntity<Resource> jar(@RequestHeader(name = "Authorization", required = false) String authorization) {
		String token = HostCredentials.bearerToken(authorization);
		if (!registrationToken.matches(token) && (token == null || hosts.authenticate(token).isEmpty())) {
			throw new UnauthenticatedException(
					"downloading the agent needs Authorization: Bearer <the registration token or a host's credential>");
		}
		Path jar = jarFile();
		return ResponseEntity.ok()
			.contentType(MediaType.parseMediaType("application/java-archive"))
			.header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"snplab.jar\"")
			.body(new FileSystemResource(jar));
	}

	private Path jarFile() {
		if (configured != null) {
			if (!Files.isRegularFile(configured)) {
				throw new NotFoundException("snplab.agent.jar is " + configured + ", which is not a file on the server");
			}
			return configured;
		}
		java.io.File source = new ApplicationHome(AgentJarController.class).getSource();
		if (source == null || !source.isFile() || !source.getName().endsWith(".jar")) {
			throw new NotFoundException("this server does not run from a jar (" + (source == null ? "no code source"
					: source) + "): set snplab.agent.jar to the jar agents should run, or give the installer --jar");
		}
		return source.toPath();
	}
}
