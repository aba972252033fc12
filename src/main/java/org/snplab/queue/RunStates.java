package org.snplab.queue;

import org.snplab.NotFoundException;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Keeps a run's state in step with its jobs. Whoever changes a job's outcome locks the run row first, so two jobs
 * finishing at once can't both compute the run's state from a view that misses the other.
 */
@Component
class RunStates {

	private final JdbcClient db;

	RunStates(JdbcClient db) {
		this.db = db;
	}

	long lockRunOfJob(long jobId) {
		return db.sql("select r.id from run r join job j on j.run_id = r.id where j.id = ? for update of r")
			.param(jobId)
			.query(Long.class)
			.optional()
			.orElseThrow(() -> new NotFoundException("no job with id " + jobId));
	}

	void lockRun(long runId) {
		db.sql("select id from run where id = ? for update")
			.param(runId)
			.query(Long.class)
			.optional()
			.orElseThrow(() -> new NotFoundException("no run with id " + runId));
	}

	/** waiting while held for approval, queued or running while a job is unfinished; then passed, failed or canceled. */
	void refresh(long runId) {
		db.sql("""
				update run r set state = s.state,
				  finished_at = case when s.state in ('passed', 'failed', 'canceled') then coalesce(r.finished_at, now()) end
				from (
				  select case
				    when count(*) filter (where state = 'held') > 0 then 'waiting'
				    when count(*) filter (where state <> 'finished') > 0 then
				      case when count(*) filter (where state <> 'queued') > 0 then 'running' else 'queued' end
				    when count(*) = count(*) filter (where result = 'passed') then 'passed'
				    when count(*) filter (where result in ('failed', 'timed_out', 'infra_error')) = 0 then 'canceled'
				    else 'failed'
				  end as state
				  from job where run_id = :run
				) s
				where r.id = :run and r.state <> 'error'""")
			.param("run", runId)
			.update();
	}
}
