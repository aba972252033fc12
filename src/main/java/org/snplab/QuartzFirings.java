package org.snplab;

import org.quartz.JobExecutionContext;
import org.quartz.JobListener;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.quartz.autoconfigure.SchedulerFactoryBeanCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Logs (at debug) each firing of snplab's timed work with the time it was scheduled for and the server instance that
 * ran it: with several instances, each firing runs on exactly one of them (Quartz's clustered JDBC store), which these
 * lines show ({@code logging.level.org.snplab.QuartzFirings=debug}).
 */
@Configuration(proxyBeanMethods = false)
class QuartzFirings {

	private static final Logger log = LoggerFactory.getLogger(QuartzFirings.class);

	@Bean
	SchedulerFactoryBeanCustomizer logFirings() {
		return factory -> factory.setGlobalJobListeners(new JobListener() {

			@Override
			public String getName() {
				return "snplab-firings";
			}

			@Override
			public void jobToBeExecuted(JobExecutionContext context) {
				if (log.isDebugEnabled()) {
					log.debug("Quartz firing {} scheduled for {} on instance {}", context.getJobDetail().getKey(),
							context.getScheduledFireTime().toInstant(), instance(context));
				}
			}

			@Override
			public void jobExecutionVetoed(JobExecutionContext context) {
			}

			@Override
			public void jobWasExecuted(JobExecutionContext context, org.quartz.JobExecutionException failure) {
			}
		});
	}

	private static String instance(JobExecutionContext context) {
		try {
			return context.getScheduler().getSchedulerInstanceId();
		}
		catch (SchedulerException ex) {
			return "unknown";
		}
	}
}
