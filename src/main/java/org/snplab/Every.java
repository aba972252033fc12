package org.snplab;

import java.time.Duration;

import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;

/**
 * The one way snplab declares timed work: a durable Quartz job and a trigger that repeats it forever. Stored in the
 * clustered JDBC job store, each firing runs on one server instance; a firing missed while every instance was down
 * is skipped, not replayed in a burst.
 */
public final class Every {

	private Every() {
	}

	public static JobDetail job(Class<? extends Job> type, String group, String name) {
		return JobBuilder.newJob(type).withIdentity(name, group).storeDurably().build();
	}

	public static Trigger trigger(JobDetail job, Duration interval) {
		return TriggerBuilder.newTrigger()
			.forJob(job)
			.withIdentity(job.getKey().getName(), job.getKey().getGroup())
			.withSchedule(SimpleScheduleBuilder.simpleSchedule()
				.withIntervalInMilliseconds(interval.toMillis())
				.repeatForever()
				.withMisfireHandlingInstructionNextWithRemainingCount())
			.build();
	}
}
