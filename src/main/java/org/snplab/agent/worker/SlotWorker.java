package org.snplab.agent.worker;

import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.agent.AgentConfig;
import org.snplab.agent.api.AgentApi;
import org.snplab.agent.api.ApiException;
import org.snplab.protocol.AgentProtocol.Job;

/** One slot's loop: long-poll for a job, run it, poll again. Errors back off and retry; they never end it. */
public final class SlotWorker implements Runnable {

	private static final Logger log = LoggerFactory.getLogger(SlotWorker.class);

	private final AgentApi api;

	private final AgentConfig config;

	private final int slot;

	private final Consumer<ApiException.Rejected> onRejected;

	private final Thread thread;

	private final Object lock = new Object();

	/** No more polls: the agent is draining or stopping. */
	private boolean stopping;

	/** The running job, and any job a poll still brings, is canceled. */
	private boolean canceling;

	private JobRunner current;

	public SlotWorker(AgentApi api, AgentConfig config, int slot, Consumer<ApiException.Rejected> onRejected) {
		this.api = api;
		this.config = config;
		this.slot = slot;
		this.onRejected = onRejected;
		this.thread = new Thread(this, "slot-" + slot);
	}

	public void start() {
		thread.start();
	}

	/** The job running in this slot, if any. */
	public Optional<Long> runningJob() {
		synchronized (lock) {
			return Optional.ofNullable(current).map(r -> r.job().jobId());
		}
	}

	/**
	 * Stops polling but lets the running job finish and report as usual (the agent's first SIGTERM); the thread
	 * ends when it has. A job a poll in progress still brings was taken already: it runs too.
	 */
	public void drain() {
		synchronized (lock) {
			stopping = true;
			if (current == null) {
				thread.interrupt();
			}
		}
	}

	/** Stops polling and cancels the running job, which is then reported canceled ("agent stopped"). */
	public void stop() {
		synchronized (lock) {
			stopping = true;
			canceling = true;
			if (current != null) {
				current.cancel(CancelReason.AGENT_STOPPED);
			}
			else {
				// Only a poll can be in progress: interrupting a job instead would cut its final report short.
				thread.interrupt();
			}
		}
	}

	public void join(long millis) throws InterruptedException {
		thread.join(millis);
	}

	public boolean isAlive() {
		return thread.isAlive();
	}

	@Override
	public void run() {
		Retry retry = new Retry();
		while (!isStopping()) {
			try {
				Optional<Job> job = api.poll(slot, config.pollWaitSeconds());
				retry.reset();
				if (job.isPresent()) {
					runJob(job.get());
				}
			}
			catch (ApiException.Rejected e) {
				onRejected.accept(e);
				return;
			}
			catch (IOException | RuntimeException e) {
				log.warn("slot {}: poll failed: {}", slot, e.getMessage());
				if (!pause(retry)) {
					return;
				}
			}
			catch (InterruptedException e) {
				return;
			}
		}
	}

	private void runJob(Job job) throws InterruptedException {
		JobRunner runner = new JobRunner(api, config, slot, job, onRejected);
		synchronized (lock) {
			current = runner;
			if (canceling) {
				// Got the job as the agent was stopping: it is ours now, so report it rather than let it dangle.
				runner.cancel(CancelReason.AGENT_STOPPED);
			}
			Thread.interrupted(); // an interrupt meant for the poll must not cut the job's report short
		}
		try {
			JobRunner.Outcome outcome = runner.run();
			log.info("slot {}: job {} attempt {} {}{}", slot, job.jobId(), job.attempt(), outcome.result().value(),
					outcome.reason().isEmpty() ? "" : " (" + outcome.reason() + ")");
		}
		catch (RuntimeException e) {
			log.error("slot {}: job {} crashed the runner", slot, job.jobId(), e);
		}
		finally {
			synchronized (lock) {
				current = null;
			}
		}
	}

	private boolean isStopping() {
		synchronized (lock) {
			return stopping;
		}
	}

	private boolean pause(Retry retry) {
		try {
			retry.pause();
			return true;
		}
		catch (InterruptedException e) {
			return false;
		}
	}
}
