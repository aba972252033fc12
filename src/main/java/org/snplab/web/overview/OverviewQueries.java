package org.snplab.web.overview;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.snplab.git.CloneUrls;
import org.snplab.hosts.Host;
import org.snplab.hosts.HostRegistry;
import org.snplab.pipeline.Requirements;
import org.snplab.queue.QueueOverview;

import org.springframework.stereotype.Service;

/**
 * What the overview shows: the queue per capability class (requirement set), each waiting job's place in it with
 * an estimate, and what runs now; the queue's part read from {@link QueueOverview}.
 */
@Service
public class OverviewQueries {

	static final String NO_MATCHING_HOST = "no host that takes work matches";


	private static final int WAITING_SHOWN = 100;

	private final HostRegistry hosts;

	private final QueueOverview queue;

	OverviewQueries(HostRegistry hosts, QueueOverview queue) {
		this.hosts = hosts;
		this.queue = queue;
	}

	/** @param averageSeconds of the last 20 finished jobs of this class; null before the first */
	public record QueueClass(long requiresId, String requires, int queued, int freeSlots, int slots, Double averageSeconds) {
	}

	/** @param ahead queued jobs of the same class the claim order puts first (priority desc, then id) */
	public record Waiting(long jobId, long runId, String name, String repository, String ref, int priority, String requires,
			int ahead, Long etaSeconds, String etaNote, Instant queuedAt) {

		/** The clone URL's credentials are the agents', never shown. */
		public Waiting {
			repository = CloneUrls.redact(repository);
		}

		/** Whether any host that takes work could run it: a position in line means something only then. */
		public boolean matched() {
			return etaNote == null || !etaNote.equals(NO_MATCHING_HOST);
		}
	}

	public record Running(long jobId, long runId, String name, String host, int attempt, Instant startedAt) {
	}

	/** Read once per page: both the queue and the host counts need them. */
	List<Host> hosts() {
		return hosts.findAll();
	}

	List<QueueClass> queue(List<Host> all) {
		List<Host> working = all.stream().filter(h -> h.takesWork() && h.status() == Host.Status.ONLINE).toList();
		Map<Long, Integer> busy = queue.runningPerHost();
		return queue.queuedByClass().stream().map(queued -> {
			Requirements requires = queued.requires();
			List<Host> matching = working.stream().filter(h -> requires.matches(h.facts(), h.matchLabels())).toList();
			int slots = matching.stream().mapToInt(Host::slots).sum();
			int free = matching.stream().mapToInt(h -> Math.max(0, h.slots() - busy.getOrDefault(h.id(), 0))).sum();
			return new QueueClass(queued.requiresId(), requires.describe(), queued.queued(), free, slots,
					queue.averageSeconds(queued.requiresId()));
		}).toList();
	}

	/** Positions count the whole queue, but only the jobs shown are joined to their runs. */
	List<Waiting> waiting(List<QueueClass> classes) {
		Map<Long, QueueClass> byId = new TreeMap<>();
		classes.forEach(c -> byId.put(c.requiresId(), c));
		return queue.firstQueued(WAITING_SHOWN).stream().map(job -> {
			QueueClass c = byId.get(job.requiresId());
			int ahead = job.ahead();
			Long eta = null;
			String note = null;
			if (c == null || c.slots() == 0) {
				note = NO_MATCHING_HOST;
			}
			else if (c.averageSeconds() == null) {
				note = "no finished job of this class yet";
			}
			else {
				// Jobs ahead leave in waves of the class's slots; the job starts after its wave's predecessors.
				long waves = ahead / c.slots() + (ahead < c.freeSlots() ? 0 : 1);
				eta = Math.round(c.averageSeconds() * waves);
			}
			return new Waiting(job.jobId(), job.runId(), job.name(), job.repository(), job.ref(), job.priority(),
					c == null ? "" : c.requires(), ahead, eta, note, job.queuedAt());
		}).toList();
	}

	/** With their host's name (removed hosts' too: the queue keeps only their id). */
	List<Running> running() {
		List<QueueOverview.RunningJob> running = queue.running();
		Map<Long, String> names = hosts.names(running.stream().map(QueueOverview.RunningJob::hostId).toList());
		return running.stream()
			.map(job -> new Running(job.jobId(), job.runId(), job.name(), job.hostId() == null ? null : names.get(job.hostId()),
					job.attempt(), job.startedAt()))
			.toList();
	}

	Map<String, Long> hostsByState(List<Host> all) {
		return all.stream().collect(Collectors.groupingBy(Host::state, TreeMap::new, Collectors.counting()));
	}
}
