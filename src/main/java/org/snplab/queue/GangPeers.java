package org.snplab.queue;

import java.util.List;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The roles of a multi-host job live and die together: when one ends without passing (failed, timed out, canceled,
 * out of attempts), the others still queued or assigned are canceled at once and those running are told to stop on
 * their next heartbeat, the cancel their agents already honour. Retrying a lost role retries them all
 * ({@link LostAttempts}). Called with the run locked.
 */
@Component
class GangPeers {

	private final JdbcClient db;

	private final ApplicationEventPublisher events;

	GangPeers(JdbcClient db, ApplicationEventPublisher events) {
		this.db = db;
		this.events = events;
	}

	/** The job just ended: if it is a role that didn't pass, its peers are canceled, saying which role ended how. */
	void ended(long jobId) {
		record Ended(long runId, String gang, String name, String result) {
		}
		Ended ended = db.sql("select run_id, gang, name, result from job where id = ? and state = 'finished'")
			.param(jobId)
			.query((rs, i) -> new Ended(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)))
			.optional()
			.orElse(null);
		if (ended == null || ended.gang() == null || "passed".equals(ended.result())) {
			return;
		}
		String how = switch (ended.result()) {
			case "timed_out" -> "timed out";
			case "canceled" -> "was canceled";
			case "infra_error" -> "was lost to the lab (infra_error)";
			default -> "failed";
		};
		String reason = "canceled: " + ended.name() + " " + how;
		List<Long> canceled = db.sql("""
				update job set state = 'finished', result = 'canceled', reason = ?, finished_at = now()
				where run_id = ? and gang = ? and id <> ? and state in ('held', 'queued', 'assigned') returning id""")
			.params(reason, ended.runId(), ended.gang(), jobId)
			.query(Long.class)
			.list();
		canceled.forEach(id -> events.publishEvent(new JobChanged(id, ended.runId())));
		db.sql("""
				update job set cancel_requested = true, reason = ?
				where run_id = ? and gang = ? and id <> ? and state = 'running' and not cancel_requested""")
			.params(reason, ended.runId(), ended.gang(), jobId)
			.update();
	}
}
