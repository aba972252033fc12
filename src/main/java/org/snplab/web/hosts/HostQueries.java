package org.snplab.web.hosts;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.snplab.hosts.Host;
import org.snplab.hosts.HostRegistry;
import org.snplab.queue.JobsOnHosts;

import org.springframework.stereotype.Service;

/** Hosts with what they do: current jobs, the last 24 hours, and their history. */
@Service
public class HostQueries {

	private final HostRegistry hosts;

	private final JobsOnHosts jobs;

	HostQueries(HostRegistry hosts, JobsOnHosts jobs) {
		this.hosts = hosts;
		this.jobs = jobs;
	}

	/** @param utilisation busy slot time of the last 24 hours over the slots' time, 0 to 1 */
	public record HostRow(Host host, List<JobsOnHosts.Job> current, long jobs24h, double utilisation) {
	}

	public List<HostRow> all() {
		Map<Long, JobsOnHosts.Usage> usage = jobs.usageOfLastDay();
		Map<Long, List<JobsOnHosts.Job>> running = jobs.running().stream()
			.collect(Collectors.groupingBy(JobsOnHosts.Job::hostId));
		return hosts.findAll().stream().map(host -> {
			JobsOnHosts.Usage u = usage.getOrDefault(host.id(), new JobsOnHosts.Usage(0, 0));
			return new HostRow(host, running.getOrDefault(host.id(), List.of()), u.jobs(),
					Math.min(1.0, u.busySeconds() / (86400.0 * host.slots())));
		}).toList();
	}

	public HostRow one(long id) {
		return all().stream().filter(row -> row.host().id() == id).findFirst().orElse(null);
	}

	/** Newest first, 50 at a time before job id {@code before}. */
	public List<JobsOnHosts.Job> history(long hostId, Long before) {
		return jobs.history(hostId, before);
	}
}
