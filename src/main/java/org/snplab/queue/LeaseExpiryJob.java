package org.snplab.queue;

import java.util.List;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.hosts.HostRegistry;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Quartz job: a running job whose agent stopped heartbeating loses its lease. The attempt becomes an
 * {@code infra_error}, the job is queued again for another host (up to the attempt limit), and the silent host is
 * shown offline. Clustered Quartz runs it on one server instance at a time. Nothing expires within the grace of
 * {@link LeaseGrace}: after the server's start or the database's return, agents first get a lease to renew theirs.
 */
@DisallowConcurrentExecution
class LeaseExpiryJob implements Job {

	private static final Logger log = LoggerFactory.getLogger(LeaseExpiryJob.class);

	private final JdbcClient db;

	private final LostAttempts lostAttempts;

	private final HostRegistry hosts;

	private final LeaseGrace grace;

	LeaseExpiryJob(JdbcClient db, LostAttempts lostAttempts, HostRegistry hosts, LeaseGrace grace) {
		this.db = db;
		this.lostAttempts = lostAttempts;
		this.hosts = hosts;
		this.grace = grace;
	}

	@Override
	public void execute(JobExecutionContext context) {
		List<Expired> expired;
		try {
			expired = expiredLeases();
		}
		catch (DataAccessException e) {
			grace.databaseUnreachable();
			log.warn("Can't look for expired leases: {}", e.getMessage());
			return;
		}
		if (!grace.leasesMayExpire()) {
			// Nor is a host silent within the grace: its heartbeats could not arrive either.
			return;
		}
		expire(expired);
		hosts.markSilentHostsOffline();
	}

	private List<Expired> expiredLeases() {
		return db.sql("""
				select j.id, h.id, h.name from job j join host h on h.id = j.host_id
				where j.state = 'running' and j.lease_until < now()""")
			.query((rs, i) -> new Expired(rs.getLong(1), rs.getLong(2), rs.getString(3)))
			.list();
	}

	private void expire(List<Expired> expired) {
		for (Expired job : expired) {
			log.warn("Job {} lost its lease on host {}: the agent stopped heartbeating", job.jobId, job.hostName);
			lostAttempts.lose(job.jobId, "agent on " + job.hostName + " stopped heartbeating (lease expired)", null);
			hosts.markOffline(job.hostId);
		}
	}

	private record Expired(long jobId, long hostId, String hostName) {
	}
}
