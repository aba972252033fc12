package org.snplab.notify;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.Trigger;
import org.snplab.Every;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Sends notifications a kick missed (a failed POST's retry, a restart), through clustered Quartz. */
@Configuration(proxyBeanMethods = false)
class NotifySchedules {

	@Bean
	JobDetail notificationsJob() {
		return Every.job(SendNotifications.class, "notify", "send");
	}

	@Bean
	Trigger notificationsTrigger(JobDetail notificationsJob, NotifyProperties properties) {
		return Every.trigger(notificationsJob, properties.interval());
	}

	/** Quartz job: drains the outbox. */
	@DisallowConcurrentExecution
	static class SendNotifications implements Job {

		private final NotificationSender sender;

		SendNotifications(NotificationSender sender) {
			this.sender = sender;
		}

		@Override
		public void execute(JobExecutionContext context) {
			sender.drain();
		}
	}
}
