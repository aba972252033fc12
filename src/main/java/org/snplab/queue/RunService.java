package org.snplab.queue;

import org.snplab.pipeline.JobSpec;
import org.snplab.pipeline.Pipeline;
import tools.jackson.databind.json.JsonMapper;

import org.snplab.SnplabProperties;
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

	RunService(JdbcClient db, RequirementSets requirementSets, JsonMapper json, SnplabProperties properties) {
		this.db = db;
		this.requirementSets = requirementSets;
		this.json = json;
		this.properties = properties;
	}

	/** Where a run came from. */
	public record Origin(String repository, String ref, String commitSha, String trigger) {
	}

	/** Queues every job of the pipeline; idle agents hear of them through a NOTIFY sent at commit. */
	@Transactional
	public long queue(Origin origin, Pipeline pipeline) {
		long runId = insertRun(origin, "queued", null);
		for (JobSpec job : pipeline.jobs()) {
			long setId = requirementSets.idFor(job.requires());
			db.sql("""
					insert into job (run_id, name, requires_id, spec, priority, max_attempts)
					values (?, ?, ?, ?::jsonb, ?, ?)""")
				.params(runId, job.name(), setId, json.writeValueAsString(JobSpecJson.of(job)), job.priority(),
						properties.queue().maxAttempts())
				.update();
			JobNotifications.notifyQueued(db, setId);
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
