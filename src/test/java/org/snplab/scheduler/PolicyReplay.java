package org.snplab.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * A discrete-event replay of a lab of {@code hosts} one-slot hosts on a simulated clock: jobs arrive at their times,
 * and on every arrival or finish a pass places the queue, either through {@link SchedulingPolicy#place} exactly as
 * {@code queue.SchedulingPass} calls it (idle hosts as ready slots, fair share read as {@code FairShareUsage} reads it:
 * ended attempts decayed by the half-life plus running ones at least the placement charge), with superseding (a new
 * job with the same {@code supersedes} key cancels the older one, queued or running, as snplab does for pushes to
 * unprotected branches; {@link Mode#POLICY_WITHOUT_SUPERSEDING} leaves it out), or first in, first out (arrival order only: no classes, no fair share, no superseding).
 * Nothing sleeps: time is the events' own.
 */
final class PolicyReplay {

	/** Which pass decides. */
	enum Mode {
		/** Arrival order only. */
		FIFO,
		/** {@link SchedulingPolicy} with fair share, without superseding: what the classes and fair share do alone. */
		POLICY_WITHOUT_SUPERSEDING,
		/** {@link SchedulingPolicy} with fair share and superseding, as snplab runs. */
		POLICY
	}

	/**
	 * One job to replay.
	 *
	 * @param supersedes jobs with the same key replace each other (a pull request's branch); null for none
	 * @param seconds how long it runs once started
	 */
	record Arrival(long time, String priorityClass, String repository, String author, String supersedes, long seconds) {
	}

	/** What happened to one job: started at {@code started} (-1 if never), {@code ran} seconds on a host. */
	record Outcome(Arrival job, long started, long ran, boolean superseded) {

		long waited() {
			return started - job.time;
		}
	}

	/** Every job's outcome in arrival order, the span from first arrival to last finish, and the host count. */
	record Result(List<Outcome> outcomes, long spanSeconds, int hosts) {

		double utilisation() {
			return outcomes.stream().mapToLong(Outcome::ran).sum() / ((double) spanSeconds * hosts);
		}
	}

	private static final long REQUIREMENT_SET = 1;

	private static final Resources SVSM_GUEST = new Resources(8 * 1024, 4);

	private final SchedulingPolicy policy = new SchedulingPolicy(SchedulingPolicy.DEFAULT_CLASSES, 600);

	private final Duration halfLife;

	private final Mode mode;

	PolicyReplay(Mode mode, Duration halfLife) {
		this.mode = mode;
		this.halfLife = halfLife;
	}

	private record Running(int job, int host, long started) {
	}

	private record Finish(long time, int job) {
	}

	/** Decayed use: a value and when it was true, as the fair_share_usage table keeps it. */
	private record Use(double hostSeconds, long asOf) {

		double at(long now, Duration halfLife) {
			return FairShare.decayed(hostSeconds, Duration.ofSeconds(now - asOf), halfLife);
		}
	}

	Result replay(List<Arrival> arrivals, int hosts) {
		List<Arrival> jobs = arrivals.stream().sorted(Comparator.comparingLong(Arrival::time)).toList();
		long[] started = new long[jobs.size()];
		long[] ran = new long[jobs.size()];
		boolean[] superseded = new boolean[jobs.size()];
		Arrays.fill(started, -1);
		TreeMap<Integer, Arrival> queued = new TreeMap<>();
		Map<Integer, Running> running = new HashMap<>();
		PriorityQueue<Finish> finishes = new PriorityQueue<>(Comparator.comparingLong(Finish::time));
		Map<String, Integer> latest = new HashMap<>();
		Map<String, Use> use = new HashMap<>();
		long[] lastStarted = new long[hosts];
		List<Integer> idle = new ArrayList<>();
		for (int h = 0; h < hosts; h++) {
			idle.add(h);
		}
		int next = 0;
		long lastEvent = 0;
		while (next < jobs.size() || !finishes.isEmpty()) {
			long now = Math.min(next < jobs.size() ? jobs.get(next).time : Long.MAX_VALUE,
					finishes.isEmpty() ? Long.MAX_VALUE : finishes.peek().time);
			while (!finishes.isEmpty() && finishes.peek().time == now) {
				int job = finishes.poll().job;
				// A superseded job's finish stays in the queue; it was stopped already.
				Running done = running.remove(job);
				if (done != null) {
					end(jobs.get(job), done, now, ran, use, idle);
				}
			}
			while (next < jobs.size() && jobs.get(next).time == now) {
				int job = next++;
				Arrival arrival = jobs.get(job);
				queued.put(job, arrival);
				if (mode == Mode.POLICY && arrival.supersedes != null) {
					Integer older = latest.put(arrival.repository + " " + arrival.supersedes, job);
					if (older != null && (queued.remove(older) != null || running.containsKey(older))) {
						superseded[older] = true;
						Running stopped = running.remove(older);
						if (stopped != null) {
							end(jobs.get(older), stopped, now, ran, use, idle);
						}
					}
				}
			}
			for (int[] placed : mode == Mode.FIFO ? fifo(queued, idle) : policy(jobs, queued, running, idle, use, lastStarted, now)) {
				int job = placed[0];
				queued.remove(job);
				idle.remove(Integer.valueOf(placed[1]));
				started[job] = now;
				lastStarted[placed[1]] = now;
				running.put(job, new Running(job, placed[1], now));
				finishes.add(new Finish(now + jobs.get(job).seconds, job));
			}
			lastEvent = now;
		}
		List<Outcome> outcomes = new ArrayList<>();
		for (int i = 0; i < jobs.size(); i++) {
			outcomes.add(new Outcome(jobs.get(i), started[i], ran[i], superseded[i]));
		}
		long span = jobs.isEmpty() ? 1 : Math.max(1, lastEvent - jobs.get(0).time);
		return new Result(outcomes, span, hosts);
	}

	/** A job finished or was stopped: its host is free, its time counts to its repository and author. */
	private void end(Arrival job, Running done, long now, long[] ran, Map<String, Use> use, List<Integer> idle) {
		long seconds = now - done.started;
		ran[done.job] = seconds;
		charge(use, "repository:" + job.repository, seconds, now);
		if (job.author != null) {
			charge(use, "author:" + job.author, seconds, now);
		}
		idle.add(done.host);
		idle.sort(null);
	}

	private void charge(Map<String, Use> use, String share, double seconds, long now) {
		Use before = use.get(share);
		use.put(share, new Use((before == null ? 0 : before.at(now, halfLife)) + seconds, now));
	}

	private static List<int[]> fifo(TreeMap<Integer, Arrival> queued, List<Integer> idle) {
		List<int[]> placed = new ArrayList<>();
		var jobs = queued.keySet().iterator();
		for (int host : idle) {
			if (!jobs.hasNext()) {
				break;
			}
			placed.add(new int[] { jobs.next(), host });
		}
		return placed;
	}

	private List<int[]> policy(List<Arrival> jobs, TreeMap<Integer, Arrival> queued, Map<Integer, Running> running,
			List<Integer> idle, Map<String, Use> use, long[] lastStarted, long now) {
		if (idle.isEmpty() || queued.isEmpty()) {
			return List.of();
		}
		List<HostSummary> fleet = new ArrayList<>();
		for (int host : idle) {
			fleet.add(new HostSummary(host, "host-" + host, Set.of(REQUIREMENT_SET), Resources.UNLIMITED, Resources.NONE, 1,
					0, List.of(0), lastStarted[host] == 0 ? null : Instant.ofEpochSecond(lastStarted[host])));
		}
		List<Candidate> candidates = new ArrayList<>();
		queued.forEach((id, job) -> candidates.add(new Candidate(id, REQUIREMENT_SET, SVSM_GUEST, job.priorityClass, 0,
				job.repository, job.author, null)));
		Map<String, Double> repositories = new HashMap<>();
		Map<String, Double> authors = new HashMap<>();
		use.forEach((share, u) -> (share.startsWith("repository:") ? repositories : authors)
			.put(share.substring(share.indexOf(':') + 1), u.at(now, halfLife)));
		for (Running r : running.values()) {
			Arrival job = jobs.get(r.job);
			double held = Math.max(600, now - r.started);
			repositories.merge(job.repository, held, Double::sum);
			if (job.author != null) {
				authors.merge(job.author, held, Double::sum);
			}
		}
		FairShare share = new FairShare(repositories, authors, Map.of());
		return policy.place(fleet, candidates, share, Instant.ofEpochSecond(now)).placements().stream()
			.map(p -> new int[] { (int) p.jobId(), (int) p.hostId() })
			.toList();
	}

	/** The {@code p}th percentile (nearest rank) of the values; 0 for none. */
	static long percentile(List<Long> values, int p) {
		if (values.isEmpty()) {
			return 0;
		}
		List<Long> sorted = values.stream().sorted().toList();
		return sorted.get(Math.max(0, Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)));
	}
}
