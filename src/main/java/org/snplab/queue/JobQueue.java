package org.snplab.queue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.ConflictException;
import org.snplab.InvalidInputException;
import org.snplab.SnplabProperties;
import org.snplab.StoredText;
import org.snplab.git.GitUrlRewrites;
import org.snplab.hosts.Host;
import org.snplab.protocol.AgentProtocol;
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
 * none is and work is queued that the host could run, it waits for the next pass ({@link PassTrigger}), which
 * serves every poll that arrived meanwhile at once. A unique index on (host, slot) of
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
			  returning j.id, j.attempt, j.run_id, j.name, j.spec::text, j.queued_at, j.gang, j.role
			), run_started as (
			  update run r set state = 'running', started_at = now()
			  where r.id in (select run_id from taken) and r.state = 'queued'
			)
			select c.id, c.attempt, c.run_id, c.name, c.spec, r.repository, r.commit_sha,
			  extract(epoch from now() - c.queued_at), r.clone_url_secret, c.gang, c.role
			from taken c join run r on r.id = c.run_id""";

	/** The most a poll waits for the pass it asked for. */
	private static final long PASS_WAIT_SECONDS = 10;

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

	private final PassTrigger passes;

	private final ReadySlots readySlots;

	private final RunCloneUrls cloneUrls;

	private final FailureHolds failureHolds;

	private final GangPeers gangPeers;

	JobQueue(JdbcClient db, TransactionTemplate transactions, RequirementSets requirementSets, RunStates runStates,
			JsonMapper json, SnplabProperties properties, ApplicationEventPublisher events, LostAttempts lostAttempts,
			QueueMetrics metrics, PassTrigger passes, ReadySlots readySlots, TestOutcomes testOutcomes,
			Environment environment, RunCloneUrls cloneUrls, FailureHolds failureHolds, GangPeers gangPeers) {
		this.gangPeers = gangPeers;
		this.cloneUrls = cloneUrls;
		this.testOutcomes = testOutcomes;
		this.failureHolds = failureHolds;
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
		this.passes = passes;
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
	public Optional<AgentProtocol.Job> claim(Host host, int slot) {
		checkSlot(host, slot);
		if (arrive(host, slot, Duration.ZERO)) {
			awaitPass();
			Optional<AgentProtocol.Job> job = take(host.id(), slot);
			if (job.isPresent()) {
				// The poll is answered: once its job ends, the slot is free but nobody is asking for work on it.
				readySlots.answered(host.id(), slot);
				return job;
			}
		}
		return answered(host, slot);
	}

	void checkSlot(Host host, int slot) {
		if (slot < 0 || slot >= host.slots()) {
			throw new InvalidInputException("slot " + slot + " out of range: host " + host.name() + " has "
					+ host.slots() + " slot(s), numbered from 0");
		}
	}

	/**
	 * A poll arrives: its slot is marked ready ({@link ReadySlots}), and a job we thought ran on the slot is lost (the
	 * agent restarted). One round trip.
	 * @return whether queued work could run on this host, so a pass is worth running for it
	 */
	boolean arrive(Host host, int slot, Duration wait) {
		boolean takesWork = host.takesWork();
		ReadySlots.Arrival arrival = readySlots.arrive(host, slot, wait,
				takesWork ? requirementSets.matching(host) : new long[0]);
		if (!takesWork) {
			return false;
		}
		for (long jobId : arrival.runningOnSlot()) {
			log.warn("Host {} asked for work on slot {} while job {} ran there: the agent lost it", host.name(), slot, jobId);
			lostAttempts.lose(jobId, "agent on " + host.name() + " restarted and lost the job", null);
		}
		return arrival.workQueued();
	}

	/**
	 * Waits for a pass that starts after now: polls arriving together share it (one pass places on all their slots),
	 * instead of each running a whole pass of its own. If it is slow, the poll ends empty and the agent asks again.
	 */
	private void awaitPass() {
		try {
			passes.request().get(PASS_WAIT_SECONDS, TimeUnit.SECONDS);
		}
		catch (TimeoutException ex) {
			log.warn("No scheduling pass completed within {} s of a poll", PASS_WAIT_SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException ex) {
			log.warn("Scheduling pass failed", ex.getCause());
		}
	}

	/**
	 * Ends a poll without a job: the slot is no longer ready. A pass that chose the slot just before holds it until
	 * it commits (see {@link SchedulingPass}), so its job is found here rather than left assigned to nobody.
	 */
	Optional<AgentProtocol.Job> answered(Host host, int slot) {
		readySlots.answered(host.id(), slot);
		return take(host.id(), slot);
	}

	/** Starts the job a pass assigned to this slot, if any. */
	Optional<AgentProtocol.Job> take(long hostId, int slot) {
		long leaseSeconds = properties.queue().lease().toSeconds();
		long heartbeatSeconds = Math.max(1, properties.queue().heartbeat().toSeconds());
		Optional<Claim> claim = db.sql(TAKE)
			.param("host", hostId)
			.param("slot", slot)
			.param("lease", leaseSeconds)
			.query((rs, i) -> {
				JobSpecJson spec = json.readValue(rs.getString(5), JobSpecJson.class);
				return new Claim(new AgentProtocol.Job(rs.getLong(1), rs.getInt(2), rs.getLong(3), rs.getString(4),
						cloneUrls.of(rs.getLong(3), rs.getString(6), rs.getString(9)), rs.getString(7), spec.steps(), spec.env(), spec.timeoutSeconds(), spec.artifacts(),
						spec.junit(), heartbeatSeconds, spec.submodules(),
						gitRewrites, caches(spec), spec.cacheScope()), rs.getDouble(8), rs.getString(10), rs.getString(11),
						spec.roles());
			})
			.optional()
			.map(c -> c.gang == null ? c : c.withEnv(gangEnv(c)));
		claim.ifPresent(c -> metrics.claimed(Duration.ofNanos((long) (c.waitedSeconds * 1e9))));
		return claim.map(Claim::job);
	}

	/**
	 * What a role of a multi-host job is told about its gang: {@code SNPLAB_ROLE}, {@code SNPLAB_ROLES} (space
	 * separated, in the pipeline's order) and {@code SNPLAB_HOST_<ROLE>}, the address each role's host reported
	 * ({@code --address}; its name if it reported none). Its peers were placed in the same pass, so each has a host.
	 */
	private Map<String, String> gangEnv(Claim claim) {
		Map<String, String> env = new LinkedHashMap<>(claim.job.env());
		env.put("SNPLAB_ROLE", claim.role);
		env.put("SNPLAB_ROLES", String.join(" ", claim.roles == null ? List.of(claim.role) : claim.roles));
		db.sql("""
				select j.role, coalesce(h.address, h.name) from job j join host h on h.id = j.host_id
				where j.run_id = ? and j.gang = ? and j.attempt = ? and j.state in ('assigned', 'running')""")
			.params(claim.job.runId(), claim.gang, claim.job.attempt())
			.query((rs, i) -> env.put(roleVariable(rs.getString(1)), rs.getString(2)))
			.list();
		return env;
	}

	/** The pipeline's {@code cache:} as the agent is told it. */
	private static List<AgentProtocol.Cache> caches(JobSpecJson spec) {
		return spec.caches() == null ? null
				: spec.caches().stream().map(c -> new AgentProtocol.Cache(c.key(), c.paths())).toList();
	}

	/** {@code SNPLAB_HOST_<ROLE>}: the role upper case, anything but letters and digits as {@code _}. */
	static String roleVariable(String role) {
		return "SNPLAB_HOST_" + role.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
	}

	/** A claimed job and how long it had waited in the queue; for a role of a multi-host job, its gang. */
	private record Claim(AgentProtocol.Job job, double waitedSeconds, String gang, String role, List<String> roles) {

		Claim withEnv(Map<String, String> env) {
			return new Claim(job.withEnv(env), waitedSeconds, gang, role, roles);
		}
	}

	/** Puts a claimed job back as if never claimed: the agent never got it (its poll had already ended). */
	void unclaim(AgentProtocol.Job job) {
		transactions.executeWithoutResult(tx -> {
			runStates.lockRunOfJob(job.jobId());
			db.sql("""
					update job set state = 'queued', host_id = null, slot = null, started_at = null, lease_until = null,
					  assigned_at = null
					where id = ? and attempt = ? and state = 'running' and gang is null""")
				.params(job.jobId(), job.attempt())
				.update();
			// A role's peers may have started: the whole gang is placed again, with the next attempt.
			db.sql("select run_id, gang from job where id = ? and attempt = ? and state = 'running' and gang is not null")
				.params(job.jobId(), job.attempt())
				.query((rs, i) -> Map.entry(rs.getLong(1), rs.getString(2)))
				.optional()
				.ifPresent(gang -> GangHolds.requeueWhole(db, gang.getKey(), gang.getValue(),
						"a role's agent never got the job; placing every role again"));
			JobNotifications.notifyAny(db);
		});
	}

	/**
	 * Renews the lease of a running attempt.
	 * @return whether the job should be canceled
	 * @throws ConflictException when the attempt is no longer this host's (lease expired, job retried elsewhere)
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
		finish(jobId, attempt, host, reported, agentReason, exitCode, null);
	}

	/** As above, with where the agent ran it: a failed {@code hold-on-failure} job keeps its host and workspace. */
	public void finish(long jobId, int attempt, Host host, JobResult reported, String agentReason, Integer exitCode,
			String workspace) {
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
				lostAttempts.record(jobId, result, reason, exitCode);
				failureHolds.attemptEnded(jobId, attempt, host, result, workspace);
				gangPeers.ended(jobId);
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
			gangPeers.ended(jobId);
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

	private static ConflictException notOwned(long jobId, int attempt, Host host) {
		return new ConflictException("job " + jobId + " attempt " + attempt + " is not running on host "
				+ host.name() + " (its lease expired or it was retried, canceled or finished)");
	}
}
