package org.snplab.queue;

import java.util.List;
import java.util.Optional;

import org.snplab.hosts.Quarantine;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Attempts the lab lost, not the code: the agent stopped heartbeating or restarted mid-job, or it reported an
 * {@code infra_error} (checkout failed, a step could not start). The attempt is recorded as an {@code infra_error}
 * and the job queued again (another host first), up to {@code snplab.queue.max-attempts}; a job whose cancel was
 * requested is canceled instead. A role of a multi-host job is retried with all of its roles: they share the
 * attempt number (a rendezvous is scoped to it), so every role goes back to the queue with the next one, and peers
 * still running are stopped (their heartbeat no longer matches) with their attempt recorded as canceled. Also keeps
 * the record of every attempt's end.
 */
@Component
class LostAttempts {

	private final JdbcClient db;

	private final TransactionTemplate transactions;

	private final RunStates runStates;

	private final ApplicationEventPublisher events;

	private final Quarantine quarantine;

	private final QueueMetrics metrics;

	private final FairShareUsage usage;

	private final GangPeers gangPeers;

	LostAttempts(JdbcClient db, TransactionTemplate transactions, RunStates runStates, ApplicationEventPublisher events,
			Quarantine quarantine, QueueMetrics metrics, FairShareUsage usage, GangPeers gangPeers) {
		this.gangPeers = gangPeers;
		this.usage = usage;
		this.db = db;
		this.quarantine = quarantine;
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
					select attempt, max_attempts, cancel_requested, gang, name from job
					where id = ? and state = 'running' for update""")
				.param(jobId)
				.query((rs, i) -> new Running(rs.getInt(1), rs.getInt(2), rs.getBoolean(3), rs.getString(4), rs.getString(5)))
				.optional();
			if (running.isEmpty()) {
				return false;
			}
			int attempt = running.get().attempt();
			int maxAttempts = running.get().maxAttempts();
			record(jobId, JobResult.INFRA_ERROR, reason, exitCode);
			if (running.get().cancelRequested()) {
				finish(jobId, JobResult.CANCELED, "canceled (the agent was lost meanwhile)");
				gangPeers.ended(jobId);
			}
			else if (attempt < maxAttempts && running.get().gang() != null) {
				retryGang(runId, jobId, running.get(), reason);
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
				finish(jobId, JobResult.INFRA_ERROR, reason + " (attempt " + attempt + " of " + maxAttempts + ")");
				gangPeers.ended(jobId);
			}
			runStates.refresh(runId);
			events.publishEvent(new JobChanged(jobId, runId));
			return true;
		});
		return Boolean.TRUE.equals(lost);
	}

	/**
	 * Records how the job's current attempt ended, once: a repeated report changes nothing. An infra_error may
	 * quarantine its host ({@link Quarantine#quarantineIfFailing}).
	 */
	void record(long jobId, JobResult result, String reason, Integer exitCode) {
		Optional<Long> host = db.sql("""
				insert into job_attempt (job_id, attempt, host_id, result, reason, exit_code, started_at)
				select id, attempt, host_id, ?, ?, ?, started_at from job where id = ?
				on conflict (job_id, attempt) do nothing
				returning host_id""")
			.params(result.value(), reason, exitCode, jobId)
			.query(Long.class)
			.optional();
		if (host.isPresent()) {
			metrics.attemptEnded(result);
			usage.attemptEnded(jobId);
			if (result == JobResult.INFRA_ERROR) {
				quarantine.quarantineIfFailing(host.get());
			}
			else if (result != JobResult.CANCELED) {
				quarantine.streakEnded(host.get());
			}
		}
	}

	private void finish(long jobId, JobResult result, String reason) {
		db.sql("""
				update job set state = 'finished', result = ?, reason = ?, finished_at = now(), lease_until = null
				where id = ?""")
			.params(result.value(), reason, jobId)
			.update();
	}

	/**
	 * Every role of the lost one's multi-host job back to the queue with the next attempt, placed again on hosts
	 * that fit (the lost role kept from its host for a while); peers still running are stopped by their next
	 * heartbeat, which no longer matches, and their attempt is recorded as canceled.
	 */
	private void retryGang(long runId, long jobId, Running lost, String reason) {
		List<Long> running = db.sql("select id from job where run_id = ? and gang = ? and id <> ? and state = 'running'")
			.params(runId, lost.gang(), jobId)
			.query(Long.class)
			.list();
		for (long peer : running) {
			record(peer, JobResult.CANCELED, "canceled: " + lost.name() + " was lost (" + reason
					+ "); every role runs again", null);
		}
		List<Long> roles = db.sql("""
				update job set state = 'queued', attempt = :next, avoid_host = case when id = :lost then host_id end,
				  host_id = null, slot = null, lease_until = null, started_at = null, assigned_at = null,
				  finished_at = null, result = null, exit_code = null, cancel_requested = false, queued_at = now(),
				  reason = case when id = :lost then :own else :peer end
				where run_id = :run and gang = :gang returning id""")
			.param("next", lost.attempt() + 1)
			.param("lost", jobId)
			.param("own", "attempt " + lost.attempt() + " ended in infra_error: " + reason + "; retrying every role")
			.param("peer", "attempt " + lost.attempt() + ": " + lost.name() + " was lost (" + reason
					+ "); retrying every role")
			.param("run", runId)
			.param("gang", lost.gang())
			.query(Long.class)
			.list();
		roles.stream().filter(id -> id != jobId).forEach(id -> events.publishEvent(new JobChanged(id, runId)));
		JobNotifications.notifyAny(db);
	}

	private record Running(int attempt, int maxAttempts, boolean cancelRequested, String gang, String name) {
	}
}
