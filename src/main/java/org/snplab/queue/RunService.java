package org.snplab.queue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.snplab.git.CloneUrls;
import org.snplab.hosts.Host;
import org.snplab.pipeline.JobSpec;
import org.snplab.pipeline.Pipeline;
import org.snplab.pipeline.Requirements;
import org.snplab.scheduler.Resources;
import org.snplab.scheduler.SchedulerProperties;
import org.snplab.scheduler.SchedulingPolicy;
import org.snplab.secrets.SecretEncryptor;
import tools.jackson.databind.json.JsonMapper;

import org.snplab.ConflictException;
import org.snplab.InvalidInputException;
import org.snplab.NotFoundException;
import org.snplab.RefusedException;
import org.snplab.SnplabProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Turns a pipeline at a commit into a run with one queued job per pipeline entry. */
@Service
public class RunService {

	private final JdbcClient db;

	private final RequirementSets requirementSets;

	private final JsonMapper json;

	private final SnplabProperties properties;

	private final RunStates runStates;

	private final ApplicationEventPublisher events;

	private final SchedulerProperties scheduler;

	private final RunCloneUrls cloneUrls;

	RunService(JdbcClient db, RequirementSets requirementSets, JsonMapper json, SnplabProperties properties,
			RunStates runStates, ApplicationEventPublisher events, SchedulerProperties scheduler, RunCloneUrls cloneUrls) {
		this.scheduler = scheduler;
		this.cloneUrls = cloneUrls;
		this.db = db;
		this.requirementSets = requirementSets;
		this.json = json;
		this.properties = properties;
		this.runStates = runStates;
		this.events = events;
	}

	/**
	 * Where a run came from.
	 *
	 * @param priorityClass its jobs' priority class: {@code protected-push}, {@code api}, {@code pull-request},
	 * {@code push} or {@code schedule}
	 * @param author a pull request's author, who shares the lab fairly with other contributors; null otherwise
	 * @param trusted false for a pull request from an author the project doesn't trust: its priority is capped
	 */
	public record Origin(String repository, String ref, String commitSha, String trigger, String priorityClass,
			String author, boolean trusted) {

		/** A run whose class follows from its trigger: {@code schedule}, or an API run or retry. */
		public Origin(String repository, String ref, String commitSha, String trigger) {
			this(repository, ref, commitSha, trigger, switch (trigger) {
				case "schedule" -> "schedule";
				case "pull_request" -> "pull-request";
				case "push" -> "push";
				default -> "api";
			}, null, true);
		}
	}

	/** Who asked for an API run or a retry: a failed {@code hold-on-failure} job holds its host for them. */
	public void requestedBy(long runId, java.security.Principal user) {
		if (user != null) {
			db.sql("update run set requested_by = ? where id = ?").params(user.getName(), runId).update();
		}
	}

	/** Queues every job of the pipeline; idle agents hear of them through a NOTIFY sent at commit. */
	@Transactional
	public long queue(Origin origin, Pipeline pipeline) {
		return insert(origin, pipeline, false);
	}

	/**
	 * Records the run with its jobs held: none is dispatched until {@link #approve} (a pull request from an author
	 * the project doesn't trust yet).
	 */
	@Transactional
	public long hold(Origin origin, Pipeline pipeline) {
		return insert(origin, pipeline, true);
	}

	/** Releases a held run's jobs to the queue. Approving twice, or a run that wasn't held, changes nothing. */
	@Transactional
	public boolean approve(long runId) {
		runStates.lockRun(runId);
		List<Long> released = db.sql("""
				update job set state = 'queued', queued_at = now() where run_id = ? and state = 'held'
				returning id""")
			.param(runId)
			.query(Long.class)
			.list();
		released.forEach(jobId -> events.publishEvent(new JobChanged(jobId, runId)));
		if (!released.isEmpty()) {
			db.sql("update run set state = 'queued' where id = ? and state = 'waiting'").param(runId).update();
			JobNotifications.notifyAny(db);
		}
		return !released.isEmpty();
	}

	/** Job results worth running again: everything but passed. */
	private static final String RETRYABLE = "('failed', 'timed_out', 'infra_error', 'canceled')";

	/**
	 * Queues a new run of the same commit with a fresh copy of each job of the run that did not pass, so a flaky
	 * host or test costs one job's time rather than the whole pipeline's.
	 */
	@Transactional
	public long retryFailed(long runId) {
		runStates.lockRun(runId);
		refusal(runId).ifPresent(ex -> {
			throw ex;
		});
		Origin origin = db.sql("select repository, clone_url_secret, ref, commit_sha from run where id = ?")
			.param(runId)
			.query((rs, i) -> new Origin(cloneUrls.of(runId, rs.getString(1), rs.getString(2)), rs.getString(3),
					rs.getString(4), "retry"))
			.single();
		long retryId = insertRun(origin, RunState.QUEUED, null, runId);
		// A retry is the API class; its jobs keep their resources, capped priority and the author's fair share.
		// A multi-host job is retried whole: every role of one whose role did not pass.
		List<long[]> jobs = db.sql("insert into job (run_id, name, state, requires_id, spec, priority, max_attempts, "
				+ "memory_mb, cpus, priority_class, repository, author, gang, role) "
				+ "select ?, name, 'queued', requires_id, spec, priority, max_attempts, memory_mb, cpus, 'api', repository, "
				+ "author, gang, role from job j "
				+ "where run_id = ? and state = 'finished' and (result in " + RETRYABLE + " or gang in ("
				+ "select gang from job where run_id = j.run_id and gang is not null and result in " + RETRYABLE + ")) "
				+ "order by id returning id, requires_id")
			.params(retryId, runId)
			.query((rs, i) -> new long[] { rs.getLong(1), rs.getLong(2) })
			.list();
		for (long[] job : jobs) {
			events.publishEvent(new JobChanged(job[0], retryId));
			JobNotifications.notifyQueued(db, job[1]);
		}
		events.publishEvent(new RunRetried(retryId, runId));
		return retryId;
	}

	/**
	 * Why {@link #retryFailed} would refuse the run, found without failing the caller's transaction as its
	 * exception would; empty if the run can be retried.
	 */
	public Optional<String> whyNotRetryable(long runId) {
		return refusal(runId).map(RuntimeException::getMessage);
	}

	private Optional<RefusedException> refusal(long runId) {
		record Stored(String trigger, RunState state) {
		}
		Stored run = db.sql("select trigger, state from run where id = ?")
			.param(runId)
			.query((rs, i) -> new Stored(rs.getString(1), RunState.of(rs.getString(2))))
			.optional()
			.orElseThrow(() -> new NotFoundException("no run with id " + runId));
		if (HEALTH_CHECK.equals(run.trigger())) {
			return Optional.of(new InvalidInputException("run " + runId
					+ " is a host's health check: check again with POST /api/hosts/{id}/health-check"));
		}
		RunState state = run.state();
		if (state.unfinished()) {
			return Optional.of(new ConflictException("run " + runId + " is still " + state + ": retry it once it finished"));
		}
		boolean any = db.sql("select count(*) from job where run_id = ? and state = 'finished' and result in " + RETRYABLE)
			.param(runId)
			.query(Integer.class)
			.single() > 0;
		return any ? Optional.empty()
				: Optional.of(new InvalidInputException("run " + runId + " has no failed jobs to retry"));
	}

	private long insert(Origin origin, Pipeline pipeline, boolean held) {
		long runId = insertRun(origin, held ? RunState.WAITING : RunState.QUEUED, null, null);
		for (JobSpec job : pipeline.jobs()) {
			long setId = requirementSets.idFor(job.requires());
			Resources defaults = scheduler.defaultResources().resources();
			long jobId = db.sql("""
					insert into job (run_id, name, state, requires_id, spec, priority, max_attempts, memory_mb, cpus,
					  priority_class, repository, author, gang, role)
					values (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id""")
				.params(runId, job.name(), (held ? JobState.HELD : JobState.QUEUED).value(), setId, json.writeValueAsString(JobSpecJson.of(job, CacheScopes.of(origin))),
						SchedulingPolicy.effectivePriority(job.priority(), origin.trusted(), scheduler.untrustedPriorityCap()),
						properties.queue().maxAttempts(), job.memoryMb() != null ? job.memoryMb() : defaults.memoryMb(),
						job.cpus() != null ? job.cpus() : defaults.cpus(), origin.priorityClass(),
						CloneUrls.withoutCredentials(origin.repository()),
						"pull-request".equals(origin.priorityClass()) ? origin.author() : null,
						job.gang() == null ? null : job.gang().name(), job.gang() == null ? null : job.gang().role())
				.query(Long.class)
				.single();
			events.publishEvent(new JobChanged(jobId, runId));
			if (!held) {
				JobNotifications.notifyQueued(db, setId);
			}
		}
		return runId;
	}

	/** The trigger and priority class of a host's health check. */
	public static final String HEALTH_CHECK = "health";

	/**
	 * Queues a host's health check: a run of one job named {@code health-check} without a repository (its steps run
	 * in an empty workspace), pinned to the host by its {@link Host#HEALTH_CHECK_LABEL} label, in the
	 * {@code health} priority class, holding no memory or cpus. It is tried once: a lost attempt is a failed check.
	 * Health checks count toward no repository's fair share and post no commit status (no GitHub run).
	 *
	 * @return the job's id
	 */
	@Transactional
	public long queueHealthCheck(String hostName, List<String> steps, Duration timeout) {
		Origin origin = new Origin("", "health-check/" + hostName, "", HEALTH_CHECK, HEALTH_CHECK, null, true);
		long runId = insertRun(origin, RunState.QUEUED, null, null);
		JobSpec job = new JobSpec("health-check",
				new Requirements(List.of(), List.of(Host.HEALTH_CHECK_LABEL + "=" + hostName)), timeout, 0, Map.of(),
				steps, List.of(), List.of(), 0L, 0, false, "false");
		long setId = requirementSets.idFor(job.requires());
		long jobId = db.sql("""
				insert into job (run_id, name, state, requires_id, spec, priority, max_attempts, memory_mb, cpus,
				  priority_class, repository, author)
				values (?, ?, 'queued', ?, ?::jsonb, 0, 1, 0, 0, ?, '', null) returning id""")
			.params(runId, job.name(), setId, json.writeValueAsString(JobSpecJson.of(job, "none")), HEALTH_CHECK)
			.query(Long.class)
			.single();
		events.publishEvent(new JobChanged(jobId, runId));
		JobNotifications.notifyQueued(db, setId);
		return jobId;
	}

	/** Records a run that could not start, e.g. an invalid pipeline file; nothing is queued. */
	@Transactional
	public long fail(Origin origin, String error) {
		return insertRun(origin, RunState.ERROR, error, null);
	}

	private long insertRun(Origin origin, RunState state, String error, Long retryOf) {
		return db.sql("""
				insert into run (repository, clone_url_secret, ref, commit_sha, trigger, state, error, finished_at, retry_of,
				  priority_class, author)
				values (?, ?, ?, ?, ?, ?, ?, case when ? = 'error' then now() end, ?, ?, ?) returning id""")
			.params(CloneUrls.withoutCredentials(origin.repository()), cloneUrls.secretOf(origin.repository()), origin.ref(), origin.commitSha(), origin.trigger(), state.value(), error, state.value(), retryOf,
					origin.priorityClass(), origin.author())
			.query(Long.class)
			.single();
	}
}
