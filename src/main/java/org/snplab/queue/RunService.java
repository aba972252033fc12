package org.snplab.queue;

import java.util.List;

import org.snplab.pipeline.JobSpec;
import org.snplab.pipeline.Pipeline;
import tools.jackson.databind.json.JsonMapper;

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

	RunService(JdbcClient db, RequirementSets requirementSets, JsonMapper json, SnplabProperties properties,
			RunStates runStates, ApplicationEventPublisher events) {
		this.db = db;
		this.requirementSets = requirementSets;
		this.json = json;
		this.properties = properties;
		this.runStates = runStates;
		this.events = events;
	}

	/** Where a run came from. */
	public record Origin(String repository, String ref, String commitSha, String trigger) {
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

	private long insert(Origin origin, Pipeline pipeline, boolean held) {
		long runId = insertRun(origin, held ? "waiting" : "queued", null);
		for (JobSpec job : pipeline.jobs()) {
			long setId = requirementSets.idFor(job.requires());
			long jobId = db.sql("""
					insert into job (run_id, name, state, requires_id, spec, priority, max_attempts)
					values (?, ?, ?, ?, ?::jsonb, ?, ?) returning id""")
				.params(runId, job.name(), held ? "held" : "queued", setId, json.writeValueAsString(JobSpecJson.of(job)),
						job.priority(), properties.queue().maxAttempts())
				.query(Long.class)
				.single();
			events.publishEvent(new JobChanged(jobId, runId));
			if (!held) {
				JobNotifications.notifyQueued(db, setId);
			}
		}
		return runId;
	}

	/** Records a run that could not start, e.g. an invalid pipeline file; nothing is queued. */
	@Transactional
	public long fail(Origin origin, String error) {
		return insertRun(origin, "error", error);
	}

	private long insertRun(Origin origin, String state, String error) {
		return db.sql("""
				insert into run (repository, ref, commit_sha, trigger, state, error, finished_at)
				values (?, ?, ?, ?, ?, ?, case when ? = 'error' then now() end) returning id""")
			.params(origin.repository(), origin.ref(), origin.commitSha(), origin.trigger(), state, error, state)
			.query(Long.class)
			.single();
	}
}
