package org.snplab.queue;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.snplab.hosts.Host;
import org.snplab.hosts.HostRegistry;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Every few minutes (clustered Quartz): the requirement sets whose queued jobs have waited over an hour with no
 * enabled host able to run them, each published as {@link JobsUnmatched} (the admins are told, at most once a day
 * per set).
 */
@Component
class UnmatchedJobsCheck {

	static final Duration AFTER = Duration.ofHours(1);

	private final JdbcClient db;

	private final HostRegistry hosts;

	private final RequirementSets requirementSets;

	private final ApplicationEventPublisher events;

	private final Clock clock;

	UnmatchedJobsCheck(JdbcClient db, HostRegistry hosts, RequirementSets requirementSets,
			ApplicationEventPublisher events, Clock clock) {
		this.db = db;
		this.hosts = hosts;
		this.requirementSets = requirementSets;
		this.events = events;
		this.clock = clock;
	}

	/** @return the sets found unmatched for over an hour, each also published */
	List<JobsUnmatched> check() {
		List<JobsUnmatched> unmatched = unmatchedSince(Timestamp.from(clock.instant().minus(AFTER)));
		unmatched.forEach(events::publishEvent);
		return unmatched;
	}

	/**
	 * The requirement sets with queued jobs, the oldest queued before {@code queuedBefore}, that no enabled host can
	 * run: matched as the pass matches them (a host's facts, its labels and its implicit health-check label).
	 */
	/** Every set with queued jobs no enabled host can run, however long they have waited (the metric). */
	List<JobsUnmatched> unmatched() {
		return unmatchedSince(Timestamp.valueOf("9999-12-31 00:00:00"));
	}

	private List<JobsUnmatched> unmatchedSince(Timestamp queuedBefore) {
		List<Host> enabled = hosts.findAll().stream().filter(Host::enabled).toList();
		return db.sql("""
				select requires_id, count(*), min(queued_at) from job where state = 'queued' group by requires_id
				having min(queued_at) < ?""")
			.param(queuedBefore)
			.query((rs, i) -> new JobsUnmatched(rs.getLong(1), requirementSets.get(rs.getLong(1)).describe(), rs.getInt(2),
					rs.getTimestamp(3).toInstant()))
			.list()
			.stream()
			.filter(set -> {
				var requires = requirementSets.get(set.requiresId());
				return enabled.stream().noneMatch(host -> requires.matches(host.facts(), host.matchLabels()));
			})
			.toList();
	}

	/** Quartz job: the check. */
	@DisallowConcurrentExecution
	static class CheckJob implements Job {

		private final UnmatchedJobsCheck check;

		CheckJob(UnmatchedJobsCheck check) {
			this.check = check;
		}

		@Override
		public void execute(JobExecutionContext context) {
			check.check();
		}
	}
}
