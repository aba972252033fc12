package org.snplab.agent.worker;

import java.io.IOException;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.agent.api.AgentApi;
import org.snplab.agent.api.ApiException;
import org.snplab.protocol.AgentProtocol.Job;

/** The job heartbeat: tells the server the job is alive and learns from the answer whether to cancel it. */
final class CancellationChecker implements Runnable {

	private static final Logger log = LoggerFactory.getLogger(CancellationChecker.class);

	private final AgentApi api;

	private final Job job;

	private final JobRunner runner;

	private final Thread thread;

	CancellationChecker(AgentApi api, Job job, JobRunner runner) {
		this.api = api;
		this.job = job;
		this.runner = runner;
		this.thread = new Thread(this, "job-heartbeat-" + job.jobId());
		this.thread.setDaemon(true);
	}

	void start() {
		thread.start();
	}

	void stop() throws InterruptedException {
		thread.interrupt();
		thread.join();
	}

	@Override
	public void run() {
		Duration every = Duration.ofSeconds(Math.max(1, job.heartbeatSeconds()));
		try {
			while (!Thread.currentThread().isInterrupted()) {
				Thread.sleep(every.toMillis());
				try {
					if (api.jobHeartbeat(job.jobId(), job.attempt())) {
						runner.cancel(CancelReason.CANCELED);
					}
				}
				catch (ApiException.LeaseLost e) {
					runner.cancel(CancelReason.LEASE_LOST);
					return;
				}
				catch (ApiException.Rejected e) {
					runner.rejected(e);
					return;
				}
				catch (IOException e) {
					// A missed beat is the server's to judge; keep running the job.
					log.warn("job {}: heartbeat failed: {}", job.jobId(), e.getMessage());
				}
			}
		}
		catch (InterruptedException e) {
			// job over
		}
	}
}
