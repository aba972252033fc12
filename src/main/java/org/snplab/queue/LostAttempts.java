package org.snplab.queue;

import java.util.Optional;

import org.snplab.hosts.HostRegistry;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Attempts the lab lost, not the code: the agent stopped heartbeating or restarted mid-job, or it reported an
 * {@code infra_error} (checkout failed, a step could not start). The attempt is recorded as an {@code infra_error}
 * and the job queued again (another host first), up to {@code snplab.queue.max-attempts}; a job whose cancel was
 * requested is canceled instead. Also keeps the record of every attempt's end.
 */
@Component
class LostAttempts {

	private final JdbcClient db;

	private final TransactionTemplate transactions;

	private final RunStates runStates;

	private final ApplicationEventPublisher events;

	private final HostRegistry hosts;

	private final QueueMetrics metrics;

	private final FairShareUsage usage;

	LostAttempts(JdbcClient db, TransactionTemplate transactions, RunStates runStates, ApplicationEventPublisher events,
			HostRegistry hosts, QueueMetrics metrics, FairShareUsage usage) {
		this.usage = usage;
		this.db = db;
		this.hosts = hosts;
		this.metrics = metrics;
		this.transactions = transactions;
		this.runStates = runStates;
		this.events = events;
	}

	/**
	 * @param exitCode the failing step's exit code, if the agent reported one
	 * @return whether the attempt was still running (another server instance may have handled it already)
	 */
	boolean lose(long jobId, String reason, Integer exitCode) {
		Boolean lost = transactions.execute(tx -> {
			long runId = runStates.lockRunOfJob(jobId);
			Optional<Running> running = db.sql("""
					select attempt, max_attempts, cancel_requested from job
					where id = ? and state = 'running' for update""")
				.param(jobId)
				.query((rs, i) -> new Running(rs.getInt(1), rs.getInt(2), rs.getBoolean(3)))
				.optional();
			if (running.isEmpty()) {
				return false;
			}
			int attempt = running.get().attempt();
			int maxAttempts = running.get().maxAttempts();
			record(jobId, "infra_error", reason, exitCode);
			if (running.get().cancelRequested()) {
				finish(jobId, "canceled", "canceled (the agent was lost meanwhile)");
			}
			else if (attempt < maxAttempts) {
				db.sql("""
						update job set state = 'queued', attempt = attempt + 1, avoid_host = host_id, host_id = null,
						  slot = null, lease_until = null, started_at = null, assigned_at = null, queued_at = now(),
						  reason = ?
						where id = ?""")
					.params("attempt " + attempt + " ended in infra_error: " + reason + "; retrying", jobId)
					.update();
				JobNotifications.notifyAny(db); // at commit: parked agents of other hosts look at once
			}
			else {
				finish(jobId, "infra_error", reason + " (attempt " + attempt + " of " + maxAttempts + ")");
			}
			runStates.refresh(runId);
			events.publishEvent(new JobChanged(jobId, runId));
			return true;
		});
		return Boolean.TRUE.equals(lost);
	}

	/**
	 * Records how the job's current attempt ended, once: a repeated report changes nothing. An infra_error may
	 * quarantine its host ({@link HostRegistry#quarantineIfFailing}).
	 */
	void record(long jobId, String result, String reason, Integer exitCode) {
		Optional<Long> host = db.sql("""
				insert into job_attempt (job_id, attempt, host_id, result, reason, exit_code, started_at)
				select id, attempt, host_id, ?, ?, ?, started_at from job where id = ?
				on conflict (job_id, attempt) do nothing
				returning host_id""")
			.params(result, reason, exitCode, jobId)
			.query(Long.class)
			.optional();
		if (host.isPresent()) {
			metrics.attemptEnded(result);
			usage.attemptEnded(jobId);
			if ("infra_error".equals(result)) {
				hosts.quarantineIfFailing(host.get());
			}
		}
	}

	private void finish(long jobId, String result, String reason) {
		db.sql("""
				update job set state = 'finished', result = ?, reason = ?, finished_at = now(), lease_until = null
				where id = ?""")
			.params(result, reason, jobId)
			.update();
	}

	private record Running(int attempt, int maxAttempts, boolean cancelRequested) {
	}
}
