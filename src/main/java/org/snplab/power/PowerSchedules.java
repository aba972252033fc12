package org.snplab.power;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.Trigger;
import org.snplab.Every;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Automatic recovery of silent hosts, every {@code snplab.power.recovery-interval}, through clustered Quartz. */
@Configuration(proxyBeanMethods = false)
class PowerSchedules {

	@Bean
	JobDetail powerRecoveryJob() {
		return Every.job(RecoveryJob.class, "power", "recovery");
	}

	@Bean
	Trigger powerRecoveryTrigger(JobDetail powerRecoveryJob, PowerProperties properties) {
		return Every.trigger(powerRecoveryJob, properties.recoveryInterval());
	}

	/** Quartz job: one recovery pass. */
	@DisallowConcurrentExecution
	static class RecoveryJob implements Job {

		private final Recovery recovery;

		RecoveryJob(Recovery recovery) {
			this.recovery = recovery;
		}

		@Override
		public void execute(JobExecutionContext context) {
			recovery.run();
		}
	}
}
