package org.snplab.queue;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.snplab.NotFoundException;
import org.snplab.git.CloneUrls;
import org.snplab.hosts.Host;
import org.snplab.hosts.HostRegistry;
import org.snplab.hosts.HostReservations;
import org.snplab.pipeline.Requirements;
import org.snplab.scheduler.Capacities;
import org.snplab.scheduler.Resources;
import org.snplab.scheduler.SchedulerProperties;
import org.snplab.scheduler.WaitingReasons;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** Read side of runs and jobs, for the JSON API and the dashboard. */
@Service
public class RunViews {

	private static final String JOB_COLUMNS = """
			j.id, j.run_id, j.name, case j.state when 'finished' then j.result when 'assigned' then 'queued' else j.state end,
			j.reason, j.host_id,
			j.attempt, j.max_attempts, j.priority, j.requires_id, j.queued_at, j.started_at, j.finished_at, j.exit_code,
			j.cancel_requested, j.memory_mb, j.cpus, j.gang""";

	private final JdbcClient db;

	private final RequirementSets requirementSets;

	private final HostRegistry hosts;

	private final SchedulerProperties scheduler;

	private final JobSections sections;

	private final HostReservations reservations;

	RunViews(JdbcClient db, RequirementSets requirementSets, HostRegistry hosts, HostReservations reservations,
			SchedulerProperties scheduler, JobSections sections) {
		this.reservations = reservations;
		this.sections = sections;
		this.scheduler = scheduler;
		this.db = db;
		this.requirementSets = requirementSets;
		this.hosts = hosts;
	}

	/** @param retryOf for a retry of failed jobs, the run they failed in */
	public record RunView(long id, String repository, String ref, String commit, String trigger, RunState state,
			String error, Instant createdAt, Instant startedAt, Instant finishedAt, Long retryOf, List<JobView> jobs) {

		/** The clone URL's credentials (and any an error quotes) are the agents', never shown. */
		public RunView {
			repository = CloneUrls.redact(repository);
			error = CloneUrls.redact(error);
		}
	}

	/**
	 * @param state as shown: the job's {@link JobState} while it is held, queued (or assigned) or running, then its
	 *        {@link JobResult} (passed, failed, timed_out, canceled or infra_error)
	 * @param waiting for a queued job, why it waits (e.g. no enabled host can ever match it)
	 */
	public record JobView(long id, long runId, String name, String state, String reason, String host, int attempt,
			int maxAttempts, int priority, String requires, String waiting, Instant queuedAt, Instant startedAt,
			Instant finishedAt, Integer exitCode, boolean cancelRequested, List<AttemptView> attempts, HeldView held,
			List<JobSections.StepView> steps) {

		public JobView {
			reason = CloneUrls.redact(reason);
			steps = steps == null ? List.of() : steps;
		}

		/** Where it is in its life: held, queued (assigned shows as queued), running or finished. */
		public JobState lifecycle() {
			return Arrays.stream(JobState.values())
				.filter(s -> s.value().equals(state))
				.findFirst()
				.orElse(JobState.FINISHED);
		}

		/** How it ended, or null while it may still run. */
		public JobResult result() {
			return lifecycle() == JobState.FINISHED ? JobResult.of(state) : null;
		}

		/** Whether it may still run: held, queued or running. */
		public boolean unfinished() {
			return lifecycle().unfinished();
		}

		/** Whether it has not started yet: held for approval or queued. */
		public boolean waitsToStart() {
			return lifecycle() == JobState.HELD || lifecycle() == JobState.QUEUED;
		}

		/** The section the current attempt failed in (a step, the checkout...), or null. */
		public JobSections.StepView failedStep() {
			return steps.stream().filter(JobSections.StepView::failed).findFirst().orElse(null);
		}
	}

	/** @param workspace where the agent ran it, when it said */
	public record AttemptView(int attempt, String host, JobResult result, String reason, Integer exitCode,
			Instant startedAt, Instant finishedAt, String workspace) {
	}

	/** A failed {@code hold-on-failure} job's host, reserved for {@code by} until {@code until}, its workspace kept. */
	public record HeldView(String host, String workspace, String by, Instant until) {
	}

	public RunView run(long id) {
		return db.sql("""
				select id, repository, ref, commit_sha, trigger, state, error, created_at, started_at, finished_at,
				  retry_of
				from run where id = ?""")
			.param(id)
			.query((rs, i) -> new RunView(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
					rs.getString(5), RunState.of(rs.getString(6)), rs.getString(7), instant(rs, 8), instant(rs, 9), instant(rs, 10),
					(Long) rs.getObject(11), jobsOfRun(id)))
			.optional()
			.orElseThrow(() -> new NotFoundException("no run with id " + id));
	}

	/**
	 * The runs now in one of these states, the oldest first: e.g. the unfinished ones, for a module that started runs
	 * to narrow to its own (the GitHub module superseding a branch's older runs) without reading the run table.
	 */
	public List<Long> runsIn(Set<RunState> states) {
		if (states.isEmpty()) {
			return List.of();
		}
		return db.sql("select id from run where state = any(?) order by id")
			.param(states.stream().map(RunState::value).toArray(String[]::new))
			.query(Long.class)
			.list();
	}

	public JobView job(long id) {
		return db.sql("select " + JOB_COLUMNS + " from job j where j.id = ?")
			.param(id)
			.query((rs, i) -> mapJob(rs, hosts.names(rs.getObject(6) == null ? List.of() : List.of(rs.getLong(6))),
					attempts(id), held(id), sections.of(id, rs.getInt(7))))
			.optional()
			.orElseThrow(() -> new NotFoundException("no job with id " + id));
	}

	public List<JobView> jobsOfRun(long runId) {
		Map<Long, List<JobSections.StepView>> steps = sections.ofRun(runId);
		Map<Long, String> hostNames = hosts.names(db.sql("select distinct host_id from job where run_id = ? and host_id is not null")
			.param(runId)
			.query(Long.class)
			.list());
		return db.sql("select " + JOB_COLUMNS + " from job j where j.run_id = ? order by j.id")
			.param(runId)
			.query((rs, i) -> mapJob(rs, hostNames, List.of(), null, steps.get(rs.getLong(1))))
			.list();
	}

	/**
	 * Where a job's log stands: its state, its current attempt, and when retention removed its log (null: kept).
	 */
	public record LogProgress(JobState state, int attempt, Instant expiredAt) {
	}

	public LogProgress logProgress(long jobId) {
		return db.sql("select state, attempt, expired_at from job where id = ?")
			.param(jobId)
			.query((rs, i) -> new LogProgress(JobState.of(rs.getString(1)), rs.getInt(2), instant(rs, 3)))
			.optional()
			.orElseThrow(() -> new NotFoundException("no job with id " + jobId));
	}

	/** The newest attempt number of a job, to read its log by default. */
	public int currentAttempt(long jobId) {
		return db.sql("select attempt from job where id = ?")
			.param(jobId)
			.query(Integer.class)
			.optional()
			.orElseThrow(() -> new NotFoundException("no job with id " + jobId));
	}

	private List<AttemptView> attempts(long jobId) {
		Map<Long, String> hostNames = hosts.names(db.sql("select distinct host_id from job_attempt where job_id = ? and host_id is not null")
			.param(jobId)
			.query(Long.class)
			.list());
		return db.sql("""
				select attempt, host_id, result, reason, exit_code, started_at, finished_at, workspace
				from job_attempt where job_id = ? order by attempt""")
			.param(jobId)
			.query((rs, i) -> new AttemptView(rs.getInt(1), rs.getObject(2) == null ? null : hostNames.get(rs.getLong(2)), JobResult.of(rs.getString(3)), rs.getString(4),
					(Integer) rs.getObject(5), instant(rs, 6), instant(rs, 7), rs.getString(8)))
			.list();
	}

	/** The host still held for this failed job, with the workspace kept on it; null when none is. */
	private HeldView held(long jobId) {
		return reservations.heldFor(jobId)
			.map(hold -> new HeldView(hold.hostName(), workspaceOfCurrentAttempt(jobId), hold.by(), hold.until()))
			.orElse(null);
	}

	/** Where the job's current attempt ran, when its agent said. */
	private String workspaceOfCurrentAttempt(long jobId) {
		return db.sql("""
				select a.workspace from job j join job_attempt a on a.job_id = j.id and a.attempt = j.attempt where j.id = ?""")
			.param(jobId)
			.query(String.class)
			.optional()
			.orElse(null);
	}

	/** @param hostNames the names of the hosts the jobs are on, by id */
	private JobView mapJob(ResultSet rs, Map<Long, String> hostNames, List<AttemptView> attempts, HeldView held,
			List<JobSections.StepView> steps) throws SQLException {
		String state = rs.getString(4);
		Requirements requires = requirementSets.get(rs.getLong(10));
		Resources needs = new Resources(rs.getLong(16), rs.getInt(17));
		Long hostId = (Long) rs.getObject(6);
		String waiting = null;
		if (JobState.QUEUED.value().equals(state) && hostId == null) {
			String gang = rs.getString(18);
			waiting = gang == null ? whyWaiting(requires, needs).orElse(null)
					: gangWaiting(rs.getLong(2), gang).or(() -> whyWaiting(requires, needs)).orElse(null);
		}
		return new JobView(rs.getLong(1), rs.getLong(2), rs.getString(3), state, rs.getString(5),
				hostId == null ? null : hostNames.get(hostId),
				rs.getInt(7), rs.getInt(8), rs.getInt(9), requires.describe(), waiting, instant(rs, 11), instant(rs, 12),
				instant(rs, 13), (Integer) rs.getObject(14), rs.getBoolean(15), attempts, held, steps);
	}

	/**
	 * Why a multi-host job waits, as the last scheduling pass saw it: which hosts it holds, that its hold ran out
	 * ({@code waited 15m for 2 hosts sharing cpu.generation; released them to other work}) or that no hosts could
	 * ever run it together. Empty before a pass has seen it wait: then each role says what it waits for alone.
	 */
	private Optional<String> gangWaiting(long runId, String gang) {
		return db.sql("select waiting from gang_hold where run_id = ? and gang = ? and waiting is not null")
			.params(runId, gang)
			.query(String.class)
			.optional();
	}

	/**
	 * Says so when no enabled host can ever run the job, naming what's missing, or what it waits for (memory, cpus
	 * or a slot on the hosts it matches), instead of waiting silently.
	 */
	Optional<String> whyWaiting(Requirements requires, Resources needs) {
		List<Host> enabled = hosts.findAll().stream().filter(Host::enabled).toList();
		if (enabled.isEmpty()) {
			return Optional.of("no matching host: no host is enabled");
		}
		List<Host> matching = enabled.stream().filter(h -> requires.matches(h.facts(), h.matchLabels())).toList();
		if (matching.isEmpty()) {
			Host closest = enabled.get(0);
			String mismatch = requires.mismatch(closest.facts(), closest.matchLabels()).orElse("");
			return Optional.of("no matching host: " + mismatch + " (on " + closest.name() + "; " + enabled.size()
					+ " enabled host(s), none matches " + requires.describe() + ")");
		}
		if (matching.stream().noneMatch(Host::takesWork)) {
			// A reservation ends by itself: say which host comes back first, and when.
			Optional<Host> reserved = matching.stream().filter(h -> h.enabled() && h.mode() == Host.Mode.ACTIVE && h.reservation() != null)
				.min(java.util.Comparator.comparing((Host h) -> h.reservation().until()));
			if (reserved.isPresent()) {
				Host.Reservation r = reserved.get().reservation();
				return Optional.of("waiting: every matching host is reserved, draining, in maintenance or quarantined; "
						+ reserved.get().name() + " is reserved by " + r.by() + " until " + r.until());
			}
			return Optional.of("waiting: every matching host is draining, in maintenance or quarantined");
		}
		boolean healthCheck = requires.labels().stream().anyMatch(l -> l.startsWith(Host.HEALTH_CHECK_LABEL + "="));
		if (!healthCheck && matching.stream().filter(Host::takesWork).noneMatch(Host::admitsJobs)) {
			Host first = matching.stream().filter(Host::takesWork).findFirst().orElseThrow();
			return Optional.of("waiting: every matching host is bad or not checked yet; " + first.name() + ": "
					+ (first.health().reason() != null ? first.health().reason() : "waiting for its first health check"));
		}
		List<Host> working = matching.stream().filter(healthCheck ? Host::takesWork : Host::admitsJobs).toList();
		Map<Long, Resources> inUse = new HashMap<>();
		Map<Long, Integer> jobs = new HashMap<>();
		db.sql("""
				select host_id, sum(memory_mb), sum(cpus), count(*) from job
				where state in ('assigned', 'running') and host_id = any(?) group by host_id""")
			.param(working.stream().mapToLong(Host::id).toArray())
			.query((rs, i) -> {
				inUse.put(rs.getLong(1), new Resources(rs.getLong(2), rs.getInt(3)));
				return jobs.put(rs.getLong(1), rs.getInt(4));
			})
			.list();
		List<WaitingReasons.Load> loads = working.stream()
			.map(h -> new WaitingReasons.Load(h.name(), Capacities.of(h.facts(), scheduler.hostReserve().memoryMb()),
					inUse.getOrDefault(h.id(), Resources.NONE), h.slots(), jobs.getOrDefault(h.id(), 0)))
			.toList();
		return Optional.of(WaitingReasons.of(needs, loads)
			.orElse("waiting for its turn: " + working.size() + " matching host(s) have room"));
	}

	private static Instant instant(ResultSet rs, int column) throws SQLException {
		Timestamp timestamp = rs.getTimestamp(column);
		return timestamp == null ? null : timestamp.toInstant();
	}
}
