package org.snplab.agent;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.agent.api.AgentApi;
import org.snplab.agent.api.ApiException;
import org.snplab.protocol.AgentProtocol;
import org.snplab.agent.probe.HostProbe;

/**
 * Tells the server the host is alive, with freshly probed facts (firmware and kernel change under a running
 * agent when an operator updates a host). The server's answer sets the pace and the host's state.
 */
final class HostHeartbeat implements Runnable {

	private static final Logger log = LoggerFactory.getLogger(HostHeartbeat.class);

	private final AgentApi api;

	private final AgentConfig config;

	private final Supplier<List<Long>> running;

	private final Consumer<ApiException.Rejected> onRejected;

	private final Thread thread;

	private volatile long seconds;

	private String state;

	HostHeartbeat(AgentApi api, AgentConfig config, long seconds, Supplier<List<Long>> running,
			Consumer<ApiException.Rejected> onRejected) {
		this.api = api;
		this.config = config;
		this.seconds = Math.max(1, seconds);
		this.running = running;
		this.onRejected = onRejected;
		this.thread = new Thread(this, "host-heartbeat");
		this.thread.setDaemon(true);
	}

	void start() {
		thread.start();
	}

	void stop() {
		thread.interrupt();
	}

	@Override
	public void run() {
		try {
			while (!Thread.currentThread().isInterrupted()) {
				beat();
				Thread.sleep(seconds * 1000L);
			}
		}
		catch (InterruptedException e) {
			// stopping
		}
	}

	private void beat() throws InterruptedException {
		try {
			AgentProtocol.HostHeartbeatResponse answer = api.heartbeat(new AgentProtocol.HostHeartbeat(
					config.withCapacity(new HostProbe(config.probeRoot()).probe()), config.labels(), config.slots(), running.get(), config.address()));
			seconds = Math.max(1, answer.heartbeatSeconds());
			if (!Objects.equals(state, answer.state())) {
				// The server decides what a state means for jobs; the agent only says so in its own log.
				log.info("host is {}", answer.state());
				state = answer.state();
			}
		}
		catch (ApiException.Rejected e) {
			onRejected.accept(e);
			Thread.currentThread().interrupt();
		}
		catch (IOException | RuntimeException e) {
			log.warn("heartbeat failed: {}", e.getMessage());
		}
	}
}
