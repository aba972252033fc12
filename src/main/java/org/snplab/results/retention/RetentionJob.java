package org.snplab.results.retention;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Quartz job: the retention clean-up, on one server instance at a time (clustered job store). */
@DisallowConcurrentExecution
class RetentionJob implements Job {

	private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);

	private final Retention retention;

	RetentionJob(Retention retention) {
		this.retention = retention;
	}

	@Override
	public void execute(JobExecutionContext context) {
		int expired = retention.expireOlderThanMaxAge();
		if (expired > 0) {
			log.info("Retention deleted the logs and files of {} job(s)", expired);
		}
	}
}
