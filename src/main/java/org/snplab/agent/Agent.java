package org.snplab.agent;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.agent.api.AgentApi;
import org.snplab.agent.api.ApiException;
import org.snplab.agent.api.Credential;
import org.snplab.protocol.AgentProtocol.RegisterRequest;
import org.snplab.protocol.AgentProtocol.RegisterResponse;
import org.snplab.agent.probe.HostProbe;
import org.snplab.agent.process.LeftoverGroups;
import org.snplab.agent.process.StepUser;
import org.snplab.agent.worker.Retry;
import org.snplab.agent.worker.SlotWorker;

/** Wires the agent: credential, host heartbeat, one {@link SlotWorker} per slot; stops them all on the way out. */
public final class Agent {

	private static final Logger log = LoggerFactory.getLogger(Agent.class);

	// Registration runs before anything else; a server that is still coming up is waited for, not given up on.
	private static final Duration REGISTER_FOR = Duration.ofDays(365);

	private final AgentConfig config;

	private final List<SlotWorker> workers = new ArrayList<>();

	private final CountDownLatch done = new CountDownLatch(1);

	private volatile int exitCode;

	private HostHeartbeat heartbeat;

	private boolean stopped;

	private final AtomicInteger signals = new AtomicInteger();

	private final PrintStream err;

	public Agent(AgentConfig config) {
		this(config, System.err);
	}

	/** {@code err} gets the messages that end the agent; the rest of what it says goes to its SLF4J log. */
	public Agent(AgentConfig config, PrintStream err) {
		this.config = config;
		this.err = err;
	}

	/**
	 * Runs until stopped or the server rejects the credential; returns the exit code. A SIGTERM (or SIGINT) drains:
	 * no more polls, the running jobs finish and report, then the agent exits 0; a second one, or
	 * {@code --drain-timeout}, cancels them (Buildkite's convention). Anything else that ends the JVM cancels them.
	 */
	public int run() throws InterruptedException {
		int started = start();
		if (started != 0) {
			return started;
		}
		Thread hook = new Thread(this::stop, "agent-shutdown");
		Runtime.getRuntime().addShutdownHook(hook);
		handle("TERM");
		handle("INT");
		done.await();
		try {
			Runtime.getRuntime().removeShutdownHook(hook);
		}
		catch (IllegalStateException e) {
			// already shutting down: the hook is stopping us
		}
		stop();
		return exitCode;
	}

	/** Registers if needed and starts the threads; 0, or the exit code to end with. */
	public int start() throws InterruptedException {
		AgentApi api;
		long heartbeatSeconds = 10;
		try {
			Files.createDirectories(config.workDir());
			StepUser.of(config.runAs(), config.workDir()); // refuse to start with a user steps can't run as
			if (config.runAs() == null && StepUser.agentIsRoot()) {
				err.println("agent: warning: running as root without --run-as: every job's steps run as root too; "
						+ "give --run-as USER (an unprivileged user in the kvm group)");
			}
		}
		catch (IOException e) {
			err.println("agent: " + e.getMessage());
			return 2;
		}
		killLeftovers();
		try {
			Credential credential;
			if (Files.exists(config.credentialFile())) {
				credential = AgentApi.JSON.readValue(Files.readString(config.credentialFile()), Credential.class);
			}
			else {
				RegisterResponse registered = register();
				credential = new Credential(config.server().toString(), registered.hostId(), registered.credential());
				save(credential);
				heartbeatSeconds = registered.heartbeatSeconds();
			}
			api = new AgentApi(config.server(), credential.credential(), config.tls());
		}
		catch (ApiException.Rejected e) {
			err.println("agent: registration token rejected by " + config.server());
			return 1;
		}
		catch (ApiException.Outdated e) {
			err.println("agent: " + e.getMessage());
			return 1;
		}
		catch (IOException | RuntimeException e) {
			err.println("agent: can't register: " + e.getMessage());
			return 1;
		}
		heartbeat = new HostHeartbeat(api, config, heartbeatSeconds, this::runningJobs, this::rejected);
		heartbeat.start();
		for (int slot = 0; slot < config.slots(); slot++) {
			SlotWorker worker = new SlotWorker(api, config, slot, this::rejected);
			workers.add(worker);
			worker.start();
		}
		return 0;
	}

	/**
	 * The first stop signal drains, the next cancels. The JVM's own handler (start the shutdown hooks, which cancel)
	 * is replaced, so a drain isn't cut short by the JVM exiting.
	 */
	private void handle(String name) {
		try {
			sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
				if (signals.incrementAndGet() == 1) {
					err.println("agent: SIG" + name + ": finishing the running jobs, taking no new one (again: cancel them)");
					drain();
				}
				else {
					err.println("agent: SIG" + name + " again: canceling the running jobs");
					stop();
				}
			});
		}
		catch (IllegalArgumentException e) {
			// The signal is the JVM's (-Xrs, a debugger): it then ends the agent through the shutdown hook, canceling.
			err.println("agent: can't handle SIG" + name + " (" + e.getMessage() + "); it cancels running jobs");
		}
	}

	/** Stops polling and lets the running jobs finish; ends the agent when they have, or cancels them at the timeout. */
	public void drain() {
		workers.forEach(SlotWorker::drain);
		Thread waiter = new Thread(() -> {
			try {
				long deadline = System.nanoTime() + config.drainTimeout().toNanos();
				for (SlotWorker worker : workers) {
					worker.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
				}
				if (workers.stream().anyMatch(SlotWorker::isAlive)) {
					err.println("agent: jobs still running after --drain-timeout " + config.drainTimeout().toSeconds()
							+ "s: canceling them");
				}
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
			stop();
		}, "agent-drain");
		waiter.setDaemon(true);
		waiter.start();
	}

	/** Stops polling, cancels running jobs and waits (bounded) for them to report; safe to call twice. */
	public synchronized void stop() {
		if (stopped) {
			return;
		}
		stopped = true;
		workers.forEach(SlotWorker::stop);
		try {
			long deadline = System.nanoTime() + config.killGrace().plusSeconds(30).toNanos();
			for (SlotWorker worker : workers) {
				worker.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
			}
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		if (heartbeat != null) {
			heartbeat.stop();
		}
		done.countDown();
	}

	/**
	 * A previous run of the agent killed with {@code kill -9} left its steps running (their process groups, QEMU
	 * included): end them before taking work, or they would hold the slot's memory, vsock CID and SNP ASIDs.
	 */
	private void killLeftovers() throws InterruptedException {
		try {
			for (long pgid : new LeftoverGroups(config.workDir()).killAll(config.killGrace())) {
				log.info("ended process group {}, left running by the agent's previous run", pgid);
			}
		}
		catch (IOException e) {
			log.warn("can't end what the agent's previous run left running: {}", e.getMessage());
		}
	}

	private List<Long> runningJobs() {
		List<Long> running = new ArrayList<>();
		workers.forEach(w -> w.runningJob().ifPresent(running::add));
		return running;
	}

	private void rejected(ApiException.Rejected e) {
		err.println("agent: credential rejected; delete " + config.credentialFile() + " to register again");
		exitCode = 1;
		done.countDown();
	}

	private RegisterResponse register() throws IOException, InterruptedException {
		AgentApi api = new AgentApi(config.server(), config.token(), config.tls());
		RegisterRequest request = new RegisterRequest(config.name(), config.slots(), config.labels(),
				config.withCapacity(new HostProbe(config.probeRoot()).probe()), config.address());
		return Retry.call("registration", REGISTER_FOR, () -> api.register(request));
	}

	/** Written to a temporary file that is 0600 from the start, then moved in place: never readable by others. */
	private void save(Credential credential) throws IOException {
		var temp = Files.createTempFile(config.workDir(), "credential", ".tmp",
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
		Files.writeString(temp, AgentApi.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(credential));
		Files.move(temp, config.credentialFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		Files.setPosixFilePermissions(config.credentialFile(), Set.copyOf(PosixFilePermissions.fromString("rw-------")));
	}
}
