package org.snplab.queue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.snplab.hosts.Host;
import org.snplab.hosts.HostRegistry;
import org.snplab.protocol.AgentProtocol;

import org.springframework.dao.DataAccessException;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The agent's calls about jobs: poll for one, heartbeat it, report how it ended. */
@RestController
class AgentJobController {

	private static final Duration MAX_WAIT = Duration.ofSeconds(50);

	private final HostRegistry hosts;

	private final Dispatcher dispatcher;

	private final JobQueue queue;

	private final LeaseGrace leaseGrace;

	private final JobSections sections;

	AgentJobController(HostRegistry hosts, Dispatcher dispatcher, JobQueue queue, LeaseGrace leaseGrace,
			JobSections sections) {
		this.sections = sections;
		this.hosts = hosts;
		this.dispatcher = dispatcher;
		this.queue = queue;
		this.leaseGrace = leaseGrace;
	}

	@PostMapping("/api/agent/poll")
	Object poll(@RequestHeader(name = "Authorization", required = false) String authorization,
			@RequestBody AgentProtocol.PollRequest request) {
		Host host = hosts.authenticateAgent(authorization);
		Duration wait = Duration.ofSeconds(Math.max(0, Math.min(request.waitSeconds(), MAX_WAIT.toSeconds())));
		return dispatcher.poll(host, request.slot(), wait);
	}

	@PostMapping("/api/agent/jobs/{id}/heartbeat")
	AgentProtocol.JobHeartbeatResponse heartbeat(@RequestHeader(name = "Authorization", required = false) String authorization,
			@PathVariable long id, @RequestParam int attempt) {
		try {
			Host host = hosts.authenticateAgent(authorization);
			return new AgentProtocol.JobHeartbeatResponse(queue.heartbeat(id, attempt, host));
		}
		catch (DataAccessException e) {
			// The lease wasn't renewed: it must not be judged until the agent had a lease's time to renew it again.
			leaseGrace.databaseUnreachable();
			throw e;
		}
	}

	@PostMapping("/api/agent/jobs/{id}/finish")
	Map<String, String> finish(@RequestHeader(name = "Authorization", required = false) String authorization,
			@PathVariable long id, @RequestParam int attempt, @RequestBody AgentProtocol.Finish request) {
		Host host = hosts.authenticateAgent(authorization);
		JobResult result = JobResult.of(request.result());
		JobSections.check(request.sections());
		sections.record(id, attempt, host, request.sections());
		queue.finish(id, attempt, host, result, request.reason(), request.exitCode(), request.workspace());
		return Map.of("result", result.value());
	}
}
