package org.snplab.hosts;

import java.util.List;
import java.util.Map;

import org.snplab.SnplabProperties;
import org.snplab.protocol.AgentProtocol;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** The agent's calls about its host: register once, then heartbeat with fresh facts. */
@RestController
class AgentHostController {

	private final HostRegistry hosts;

	private final HostHeartbeats heartbeats;

	private final SnplabProperties properties;

	AgentHostController(HostRegistry hosts, HostHeartbeats heartbeats, SnplabProperties properties) {
		this.hosts = hosts;
		this.heartbeats = heartbeats;
		this.properties = properties;
	}

	@PostMapping("/api/agent/register")
	AgentProtocol.RegisterResponse register(@RequestHeader(name = "Authorization", required = false) String authorization,
			@RequestBody AgentProtocol.RegisterRequest request) {
		HostRegistry.Registration registration = hosts.register(HostCredentials.bearerToken(authorization), request.name(),
				request.slots() == null ? 1 : request.slots(), orEmpty(request.labels()), orEmpty(request.facts()));
		hosts.reportAddress(registration.hostId(), request.address());
		return new AgentProtocol.RegisterResponse(registration.hostId(), registration.credential(), heartbeatSeconds());
	}

	@PostMapping("/api/agent/heartbeat")
	AgentProtocol.HostHeartbeatResponse heartbeat(@RequestHeader(name = "Authorization", required = false) String authorization,
			@RequestBody AgentProtocol.HostHeartbeat request) {
		Host host = hosts.authenticateAgent(authorization);
		hosts.reportAddress(host.id(), request.address());
		Host updated = heartbeats.heartbeat(host.id(), orEmpty(request.facts()), orEmpty(request.labels()),
				request.slots() == null ? host.slots() : request.slots());
		return new AgentProtocol.HostHeartbeatResponse(updated.state(), heartbeatSeconds());
	}

	private long heartbeatSeconds() {
		return Math.max(1, properties.queue().heartbeat().toSeconds());
	}

	private static Map<String, String> orEmpty(Map<String, String> map) {
		return map == null ? Map.of() : map;
	}
}
