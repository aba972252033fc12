package org.snplab.queue;

import java.util.List;
import java.util.Map;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.hosts.HostHeartbeats;
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

	private final HostHeartbeats heartbeats;

	private final LeaseGrace grace;

	private final HostRegistry hosts;

	LeaseExpiryJob(JdbcClient db, LostAttempts lostAttempts, HostHeartbeats heartbeats, LeaseGrace grace,
			HostRegistry hosts) {
		this.db = db;
		this.hosts = hosts;
		this.lostAttempts = lostAttempts;
		this.heartbeats = heartbeats;
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
		heartbeats.markSilentHostsOffline();
	}

	private List<Expired> expiredLeases() {
		record Lease(long jobId, long hostId) {
		}
		List<Lease> expired = db.sql("""
				select id, host_id from job where state = 'running' and lease_until < now() and host_id is not null""")
			.query((rs, i) -> new Lease(rs.getLong(1), rs.getLong(2)))
			.list();
		Map<Long, String> names = hosts.names(expired.stream().map(Lease::hostId).toList());
		return expired.stream()
			.filter(lease -> names.containsKey(lease.hostId()))
			.map(lease -> new Expired(lease.jobId(), lease.hostId(), names.get(lease.hostId())))
			.toList();
	}

	private void expire(List<Expired> expired) {
		for (Expired job : expired) {
			log.warn("Job {} lost its lease on host {}: the agent stopped heartbeating", job.jobId, job.hostName);
			lostAttempts.lose(job.jobId, "agent on " + job.hostName + " stopped heartbeating (lease expired)", null);
			heartbeats.markOffline(job.hostId);
		}
	}

	private record Expired(long jobId, long hostId, String hostName) {
	}
}
