package org.snplab.queue;

import java.time.Duration;
import java.util.Map;

import org.snplab.InvalidInputException;
import org.snplab.hosts.Host;
import org.snplab.hosts.HostRegistry;
import org.snplab.protocol.AgentProtocol;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The agent's calls for its steps' {@code snplab-send} and {@code snplab-wait} ({@link Rendezvous}), on behalf of
 * the running attempt of a multi-host job's role.
 */
@RestController
class AgentRendezvousController {

	private final HostRegistry hosts;

	private final Rendezvous rendezvous;

	AgentRendezvousController(HostRegistry hosts, Rendezvous rendezvous) {
		this.hosts = hosts;
		this.rendezvous = rendezvous;
	}

	/** Stores a message of this job's role: 200, or 409 when the key was already sent with another value. */
	@PostMapping("/api/agent/jobs/{id}/send")
	Map<String, String> send(@RequestHeader(name = "Authorization", required = false) String authorization,
			@PathVariable long id, @RequestParam int attempt, @RequestBody AgentProtocol.RendezvousSend request) {
		Host host = hosts.authenticateAgent(authorization);
		rendezvous.send(id, attempt, host, request.key(), request.value());
		return Map.of("key", request.key());
	}

	/**
	 * The value another role of the gang sent under a key: 200 {@code {"value": ...}} as soon as it is there,
	 * 204 when it wasn't sent within {@code waitSeconds} (at most 25; the agent asks again).
	 */
	@PostMapping("/api/agent/jobs/{id}/wait")
	Object await(@RequestHeader(name = "Authorization", required = false) String authorization,
			@PathVariable long id, @RequestParam int attempt, @RequestBody AgentProtocol.RendezvousWait request) {
		Host host = hosts.authenticateAgent(authorization);
		long seconds = request.waitSeconds() == null ? Rendezvous.MAX_WAIT.toSeconds() : request.waitSeconds();
		if (seconds < 0) {
			throw new InvalidInputException("waitSeconds must be 0 or more, got " + seconds);
		}
		Duration wait = Duration.ofSeconds(Math.min(seconds, Rendezvous.MAX_WAIT.toSeconds()));
		return rendezvous.await(id, attempt, host, request.role(), request.key(), wait);
	}
}
