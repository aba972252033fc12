package org.snplab.queue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.RequestException;
import org.snplab.SnplabProperties;
import org.snplab.StoredText;
import org.snplab.git.GitUrlRewrites;
import org.snplab.hosts.Host;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The job queue: claim, heartbeat, finish, cancel. What happens when an agent is lost is {@link LostAttempts}.
 * <p>
 * Which job a slot gets is decided by the {@link SchedulingPass} for the whole fleet at once: it assigns queued jobs
 * to slots whose agent is asking for work. A claim takes the job assigned to its (host, slot) and starts it; when
 * none is and work is queued that the host could run, it runs a pass first. A unique index on (host, slot) of
 * assigned and running jobs makes double-booking a slot impossible.
 */
@Service
public class JobQueue {

	private static final Logger log = LoggerFactory.getLogger(JobQueue.class);

	// The job a pass assigned to this slot, now running with a lease; its run starts with its first job.
	private static final String TAKE = """
			with taken as (
			  update job j set state = 'running', started_at = now(), lease_until = now() + make_interval(secs => :lease)
			  where j.host_id = :host and j.slot = :slot and j.state = 'assigned'
			    and exists (select 1 from host h where h.id = :host and h.enabled and h.mode = 'active')
			  returning j.id, j.attempt, j.run_id, j.name, j.spec::text, j.queued_at
			), run_started as (
			  update run r set state = 'running', started_at = now()
			  where r.id in (select run_id from taken) and r.state = 'queued'
			)
			select c.id, c.attempt, c.run_id, c.name, c.spec, r.repository, r.commit_sha,
			  extract(epoch from now() - c.queued_at)
			from taken c join run r on r.id = c.run_id""";

	private final JdbcClient db;

	private final TransactionTemplate transactions;

	private final RequirementSets requirementSets;

	private final RunStates runStates;

	private final JsonMapper json;

	private final SnplabProperties properties;

	private final ApplicationEventPublisher events;

	private final LostAttempts lostAttempts;

	private final QueueMetrics metrics;

	private final TestOutcomes testOutcomes;

	/** Sent with every job: where the lab's agents fetch repositories from instead ({@code FROM=TO}). */
	private final List<String> gitRewrites;

	private final SchedulingPass pass;

	private final ReadySlots readySlots;

	JobQueue(JdbcClient db, TransactionTemplate transactions, RequirementSets requirementSets, RunStates runStates,
			JsonMapper json, SnplabProperties properties, ApplicationEventPublisher events, LostAttempts lostAttempts,
			QueueMetrics metrics, SchedulingPass pass, ReadySlots readySlots, TestOutcomes testOutcomes,
			Environment environment) {
		this.testOutcomes = testOutcomes;
		// A YAML list or a comma-separated value alike.
		this.gitRewrites = Binder.get(environment)
			.bind("snplab.git.url-rewrites", Bindable.listOf(String.class))
			.orElse(List.of());
		try {
			GitUrlRewrites.parse(gitRewrites); // refused at start, not by every agent at every job
		}
		catch (IllegalArgumentException e) {
			throw new IllegalStateException("snplab.git.url-rewrites: " + e.getMessage(), e);
		}
		this.metrics = metrics;
		this.pass = pass;
		this.readySlots = readySlots;
		this.events = events;
		this.lostAttempts = lostAttempts;
		this.db = db;
		this.transactions = transactions;
		this.requirementSets = requirementSets;
		this.runStates = runStates;
		this.json = json;
		this.properties = properties;
	}

	/** The job this host's slot should run now, if any: the poll of an agent that doesn't wait. */
	public Optional<ClaimedJob> claim(Host host, int slot) {
		checkSlot(host, slot);
		readySlots.ready(host, slot, Duration.ZERO);
		Optional<ClaimedJob> job = claimWhileReady(host, slot);
		if (job.isPresent()) {
			// The poll is answered: once its job ends, the slot is free but nobody is asking for work on it.
			readySlots.answered(host.id(), slot);
			return job;
		}
		return answered(host, slot);
	}

	void checkSlot(Host host, int slot) {
		if (slot < 0 || slot >= host.slots()) {
			throw RequestException.badRequest("slot " + slot + " out of range: host " + host.name() + " has "
					+ host.slots() + " slot(s), numbered from 0");
		}
	}

	/**
	 * For a poll that just arrived, its slot marked ready ({@link ReadySlots}): the job assigned to the slot, or the
	 * one a pass run now assigns to it.
	 */
	Optional<ClaimedJob> claimWhileReady(Host host, int slot) {
		if (!host.takesWork()) {
			return Optional.empty();
		}
		// The agent asks for work on a slot we think is busy: it restarted and lost that job.
		loseJobsOnSlot(host, slot);
		Optional<ClaimedJob> job = take(host.id(), slot);
		if (job.isPresent() || !anyQueuedFor(host)) {
			return job;
		}
		pass.run();
		return take(host.id(), slot);
	}

	/**
	 * Ends a poll without a job: the slot is no longer ready. A pass that chose the slot just before holds it until
	 * it commits (see {@link SchedulingPass}), so its job is found here rather than left assigned to nobody.
	 */
	Optional<ClaimedJob> answered(Host host, int slot) {
		readySlots.answered(host.id(), slot);
		return take(host.id(), slot);
	}

	/** Starts the job a pass assigned to this slot, if any. */
	Optional<ClaimedJob> take(long hostId, int slot) {
		long leaseSeconds = properties.queue().lease().toSeconds();
		long heartbeatSeconds = Math.max(1, properties.queue().heartbeat().toSeconds());
		Optional<Claim> claim = db.sql(TAKE)
			.param("host", hostId)
			.param("slot", slot)
			.param("lease", leaseSeconds)
			.query((rs, i) -> {
				JobSpecJson spec = json.readValue(rs.getString(5), JobSpecJson.class);
				return new Claim(new ClaimedJob(rs.getLong(1), rs.getInt(2), rs.getLong(3), rs.getString(4),
						rs.getString(6), rs.getString(7), spec.steps(), spec.env(), spec.timeoutSeconds(), spec.artifacts(),
						spec.junit(), heartbeatSeconds, spec.submodules() == null ? "true" : spec.submodules(),
						gitRewrites), rs.getDouble(8));
			})
			.optional();
		claim.ifPresent(c -> metrics.claimed(Duration.ofNanos((long) (c.waitedSeconds * 1e9))));
		return claim.map(Claim::job);
	}

	private boolean anyQueuedFor(Host host) {
		long[] sets = requirementSets.matching(host);
		return sets.length > 0 && db.sql("select exists (select 1 from job where state = 'queued' and requires_id = any(?))")
			.param(sets)
			.query(Boolean.class)
			.single();
	}

	/** A claimed job and how long it had waited in the queue. */
	private record Claim(ClaimedJob job, double waitedSeconds) {
	}

	/** Puts a claimed job back as if never claimed: the agent never got it (its poll had already ended). */
	void unclaim(ClaimedJob job) {
		db.sql("""
				update job set state = 'queued', host_id = null, slot = null, started_at = null, lease_until = null,
				  assigned_at = null
				where id = ? and attempt = ? and state = 'running'""")
			.params(job.jobId(), job.attempt())
			.update();
		JobNotifications.notifyAny(db);
	}

	/**
	 * Renews the lease of a running attempt.
	 * @return whether the job should be canceled
	 * @throws RequestException 409 when the attempt is no longer this host's (lease expired, job retried elsewhere)
	 */
	public boolean heartbeat(long jobId, int attempt, Host host) {
		return db.sql("""
				update job set lease_until = now() + make_interval(secs => ?)
				where id = ? and attempt = ? and host_id = ? and state = 'running'
				returning cancel_requested""")
			.params(properties.queue().lease().toSeconds(), jobId, attempt, host.id())
			.query(Boolean.class)
			.optional()
			.orElseThrow(() -> notOwned(jobId, attempt, host));
	}

	/**
	 * Checks that this attempt is (or was, until it finished) this host's: its logs and files are accepted, also
	 * when resent after the finish report. An attempt lost to lease expiry is no longer anyone's.
	 */
	public void checkAttemptOf(long jobId, int attempt, Host host) {
		boolean owned = db.sql("select count(*) from job where id = ? and attempt = ? and host_id = ?")
			.params(jobId, attempt, host.id())
			.query(Integer.class)
			.single() > 0;
		if (!owned) {
			throw notOwned(jobId, attempt, host);
		}
	}

	/**
	 * Records how an attempt ended. A repeat of the same report is accepted and changes nothing. An
	 * {@code infra_error} (checkout failed, a step could not start) is the lab's failure, not the code's: the job is
	 * retried like one whose agent was lost ({@link LostAttempts}).
	 */
	public void finish(long jobId, int attempt, Host host, JobResult reported, String agentReason, Integer exitCode) {
		// The steps passed but the tests didn't: the job failed, whatever the exit codes say.
		int failedTests = reported == JobResult.PASSED && failsOnTestFailure(jobId) ? testOutcomes.failedTests(jobId, attempt) : 0;
		JobResult result = failedTests > 0 ? JobResult.FAILED : reported;
		String reason = failedTests > 0 ? failedTests + (failedTests == 1 ? " test failed" : " tests failed")
				: StoredText.of(agentReason); // the agent's words may quote a step's output, NUL bytes included
		transactions.executeWithoutResult(tx -> {
			long runId = runStates.lockRunOfJob(jobId);
			boolean ended = result == JobResult.INFRA_ERROR
					? isRunningAttemptOf(jobId, attempt, host) && lostAttempts.lose(jobId, reason, exitCode)
					: finishRunning(jobId, attempt, host, result, reason, exitCode);
			if (!ended) {
				if (alreadyFinished(jobId, attempt, host, result)) {
					return;
				}
				throw notOwned(jobId, attempt, host);
			}
			if (result != JobResult.INFRA_ERROR) {
				lostAttempts.record(jobId, result.value(), reason, exitCode);
				runStates.refresh(runId);
				events.publishEvent(new JobChanged(jobId, runId));
			}
			// Its host has room again: at commit, every instance runs a pass.
			JobNotifications.notifyAny(db);
		});
	}

	private boolean isRunningAttemptOf(long jobId, int attempt, Host host) {
		return db.sql("select count(*) from job where id = ? and attempt = ? and host_id = ? and state = 'running'")
			.params(jobId, attempt, host.id())
			.query(Integer.class)
			.single() > 0;
	}

	private boolean finishRunning(long jobId, int attempt, Host host, JobResult result, String reason, Integer exitCode) {
		return db.sql("""
				update job set state = 'finished', result = :result, reason = :reason, exit_code = :exit,
				  finished_at = now(), lease_until = null
				where id = :id and attempt = :attempt and host_id = :host and state = 'running'""")
			.param("result", result.value())
			.param("reason", reason)
			.param("exit", exitCode)
			.param("id", jobId)
			.param("attempt", attempt)
			.param("host", host.id())
			.update() > 0;
	}

	/** Cancels one job: a queued one at once, a running one by telling its agent on the next heartbeat. */
	public void cancelJob(long jobId, String reason) {
		transactions.executeWithoutResult(tx -> {
			long runId = runStates.lockRunOfJob(jobId);
			cancelInLockedRun(runId, "id = ?", jobId, reason);
			runStates.refresh(runId);
		});
	}

	/** Cancels every unfinished job of a run. */
	public void cancelRun(long runId, String reason) {
		transactions.executeWithoutResult(tx -> {
			runStates.lockRun(runId);
			cancelInLockedRun(runId, "run_id = ?", runId, reason);
			runStates.refresh(runId);
		});
	}

	private void cancelInLockedRun(long runId, String which, long id, String reason) {
		db.sql("""
				update job set state = 'finished', result = 'canceled', reason = ?, finished_at = now()
				where state in ('queued', 'held', 'assigned') and %s returning id""".formatted(which))
			.params(reason, id)
			.query(Long.class)
			.list()
			.forEach(jobId -> events.publishEvent(new JobChanged(jobId, runId)));
		db.sql("update job set cancel_requested = true, reason = ? where state = 'running' and " + which)
			.params(reason, id)
			.update();
	}

	private void loseJobsOnSlot(Host host, int slot) {
		List<Long> stale = db.sql("select id from job where host_id = ? and slot = ? and state = 'running'")
			.params(host.id(), slot)
			.query(Long.class)
			.list();
		for (long jobId : stale) {
			log.warn("Host {} asked for work on slot {} while job {} ran there: the agent lost it", host.name(), slot, jobId);
			lostAttempts.lose(jobId, "agent on " + host.name() + " restarted and lost the job", null);
		}
	}

	private boolean failsOnTestFailure(long jobId) {
		return db.sql("select coalesce(cast(spec ->> 'failOnTestFailure' as boolean), true) from job where id = ?")
			.param(jobId)
			.query(Boolean.class)
			.optional()
			.orElse(true);
	}

	private boolean alreadyFinished(long jobId, int attempt, Host host, JobResult result) {
		return db.sql("select count(*) from job_attempt where job_id = ? and attempt = ? and host_id = ? and result = ?")
			.params(jobId, attempt, host.id(), result.value())
			.query(Integer.class)
			.single() > 0;
	}

	private static RequestException notOwned(long jobId, int attempt, Host host) {
		return RequestException.conflict("job " + jobId + " attempt " + attempt + " is not running on host "
				+ host.name() + " (its lease expired or it was retried, canceled or finished)");
	}
}
