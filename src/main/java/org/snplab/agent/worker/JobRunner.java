package org.snplab.agent.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.agent.AgentConfig;
import org.snplab.agent.api.AgentApi;
import org.snplab.agent.api.ApiException;
import org.snplab.protocol.AgentProtocol.Finish;
import org.snplab.protocol.AgentProtocol.Job;
import org.snplab.agent.process.LeftoverGroups;
import org.snplab.agent.process.ProcessGroup;
import org.snplab.agent.process.StepUser;
import org.snplab.git.CloneUrls;
import org.snplab.git.GitUrlRewrites;
import org.snplab.queue.JobResult;

/**
 * Runs one job attempt from checkout to finish, heartbeating until it is reported. It always ends in the same
 * cleanup: kill what is left of the steps, upload files, flush the log, then report; except when the lease was
 * lost, where nothing is reported.
 */
public final class JobRunner {

	private static final Logger logger = LoggerFactory.getLogger(JobRunner.class);

	/** sysexits.h: a temporary failure, "try again later" — here, on another host. */
	private static final int EX_TEMPFAIL = 75;

	private static final int INFRA_REASON_BYTES = 1000;


	private static final Duration TICK = Duration.ofMillis(100);

	/** A step's PATH when neither the job nor the agent has one. */
	private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

	// A restarting server must lose nothing, so the final log flush and the finish wait this long for it.
	private static final Duration REPORT_FOR = Duration.ofMinutes(10);

	// On shutdown the agent is being stopped by someone waiting; report if quick, don't hang on a dead server.
	private static final Duration REPORT_ON_STOP = Duration.ofSeconds(20);

	private final AgentApi api;

	private final AgentConfig config;

	private final int slot;

	private final Job job;

	private final Consumer<ApiException.Rejected> onRejected;

	private final AtomicReference<CancelReason> canceled = new AtomicReference<>();

	private final List<ProcessGroup> groups = new ArrayList<>();

	private final LeftoverGroups leftovers;

	private volatile Path workspace;

	private final Clock clock = Clock.systemUTC();

	/** The log's sections, reported with the finish; null until the log exists. */
	private Sections sections;

	/** The endpoint of the steps' snplab-send and snplab-wait; null until the steps are about to run. */
	private StepRendezvous rendezvous;

	/** The caches this job's key missed: saved if its steps pass. */
	private List<JobCaches.Miss> misses = List.of();

	/** The result reported (or, when the lease was lost, that would have been). */
	public record Outcome(JobResult result, String reason, Integer exitCode, boolean reported) {
	}

	public JobRunner(AgentApi api, AgentConfig config, int slot, Job job, Consumer<ApiException.Rejected> onRejected) {
		this.api = api;
		this.config = config;
		this.slot = slot;
		this.job = job;
		this.onRejected = onRejected;
		this.leftovers = new LeftoverGroups(config.workDir());
	}

	public Job job() {
		return job;
	}

	/** Stops the steps; the first reason given wins. The running step is killed by the runner's own thread. */
	public void cancel(CancelReason reason) {
		canceled.compareAndSet(null, reason);
	}

	void rejected(ApiException.Rejected e) {
		onRejected.accept(e);
	}

	public Outcome run() throws InterruptedException {
		long started = System.nanoTime();
		Path workspace;
		LogStreamer log;
		try {
			workspace = Workspaces.fresh(config.workDir(), slot, job);
			this.workspace = workspace;
			log = new LogStreamer(api, job.jobId(), job.attempt(), Workspaces.logFile(config.workDir(), slot, job));
			sections = new Sections(log, clock);
		}
		catch (IOException e) {
			// Without a workspace or log file there is nothing to run or stream; say so in the finish reason.
			return report(null, new Outcome(JobResult.INFRA_ERROR, "workspace failed: " + e.getMessage(), null, false));
		}
		// The lease is renewed until the attempt is reported: uploading many files or a large one over a slow uplink,
		// and the final log flush, may take longer than the lease, and a passed attempt must not be lost meanwhile.
		CancellationChecker checker = new CancellationChecker(api, job, this);
		checker.start();
		try {
			return runAndReport(workspace, log, started);
		}
		finally {
			checker.stop();
		}
	}

	private Outcome runAndReport(Path workspace, LogStreamer log, long started) throws InterruptedException {
		Outcome outcome;
		try {
			outcome = execute(workspace, log, started);
		}
		catch (RuntimeException e) {
			// A bug or a malformed job must still end in a report, or the job would hang until its lease expires.
			log.line("agent error: " + e);
			outcome = new Outcome(JobResult.INFRA_ERROR, "agent error: " + e, null, false);
		}
		finally {
			if (!misses.isEmpty()) {
				log.line("cache not saved: the job didn't pass (" + String.join(", ", misses.stream().map(JobCaches.Miss::key).toList()) + ")");
			}
			for (ProcessGroup group : groups) {
				// Also ends what passed steps left running in the background.
				group.cancel(config.killGrace());
				leftovers.forget(group);
			}
			if (rendezvous != null) {
				rendezvous.close(); // its token stops working with the job
			}
		}
		try {
			if (canceled.get() != CancelReason.LEASE_LOST && log.failure() == null
					&& outcome.result().decidedByCode()) {
				Uploads.run(api, job, workspace, log);
			}
		}
		catch (ApiException.LeaseLost e) {
			cancel(CancelReason.LEASE_LOST);
		}
		catch (ApiException.Rejected e) {
			onRejected.accept(e);
		}
		catch (IOException e) {
			log.line("uploads failed: " + e.getMessage());
		}
		return report(log, outcome);
	}

	private Outcome execute(Path workspace, LogStreamer log, long started) throws InterruptedException {
		StepUser user;
		// A job without a repository (a host's health check) runs its steps in an empty workspace.
		if (job.repository() != null && !job.repository().isBlank()) {
			sections.start("checkout", "checkout");
			try {
				GitUrlRewrites rewrites = GitUrlRewrites.parse(config.gitRewrites()).and(GitUrlRewrites.parse(job.gitRewrites()));
				Checkout.run(config.workDir(), job.repository(), job.commit(), workspace,
						Checkout.Submodules.of(job.submodules()), rewrites);
			}
			catch (IOException e) {
				log.line("checkout failed: " + CloneUrls.redact(e.getMessage()));
				return new Outcome(JobResult.INFRA_ERROR, "checkout failed: " + e.getMessage(), null, false);
			}
		}
		Map<String, String> env = environment(workspace);
		JobCaches caches = new JobCaches(config.workDir(), job.repository(), config.cacheMaxBytes(), clock);
		if (!job.caches().isEmpty()) {
			sections.start("cache", "restore caches");
		}
		try {
			misses = caches.restore(job.caches(), job.cacheScope(), workspace, env, log);
		}
		catch (IOException e) {
			log.line("cache restore failed: " + e.getMessage());
			return new Outcome(JobResult.INFRA_ERROR, "cache restore failed: " + e.getMessage(), null, false);
		}
		try {
			user = StepUser.of(config.runAs(), config.workDir());
			user.own(workspace);
		}
		catch (IOException e) {
			log.line("steps can't run: " + e.getMessage());
			return new Outcome(JobResult.INFRA_ERROR, "steps can't run: " + e.getMessage(), null, false);
		}
		long deadline = started + Duration.ofSeconds(job.timeoutSeconds()).toNanos();
		try {
			// After the caches: a cache key may name the job's variables, and it is logged.
			env.put("PATH", StepCommands.install(config.workDir()) + ":"
					+ env.getOrDefault("PATH", Objects.requireNonNullElse(System.getenv("PATH"), DEFAULT_PATH)));
			rendezvous = StepRendezvous.open(api, job, () -> deadline);
			env.putAll(rendezvous.environment());
		}
		catch (IOException e) {
			log.line("snplab-send and snplab-wait can't be provided: " + e.getMessage());
			return new Outcome(JobResult.INFRA_ERROR, "snplab-send and snplab-wait can't be provided: "
					+ e.getMessage(), null, false);
		}
		for (int n = 1; n <= job.steps().size(); n++) {
			String step = job.steps().get(n - 1);
			if (canceled.get() != null) {
				return new Outcome(JobResult.CANCELED, canceled.get().text(), null, false);
			}
			if (System.nanoTime() > deadline) {
				String reason = "timed out after " + human(Duration.ofSeconds(job.timeoutSeconds())) + " in step " + n;
				log.line(reason);
				return new Outcome(JobResult.TIMED_OUT, reason, null, false);
			}
			sections.start("step", step);
			log.line("$ " + step);
			ProcessGroup group;
			try {
				group = ProcessGroup.start(step, workspace, env, log.file(), user);
			}
			catch (IOException e) {
				log.line("step " + n + " could not start: " + e.getMessage());
				return new Outcome(JobResult.INFRA_ERROR, "step " + n + " could not start: " + e.getMessage(), null, false);
			}
			groups.add(group);
			try {
				leftovers.remember(group);
			}
			catch (IOException e) {
				// The step runs all the same; only a kill -9 of the agent would leave it running unnoticed.
				logger.warn("job {}: can't record step {}'s process group: {}", job.jobId(), n, e.getMessage());
			}
			boolean timedOut = false;
			boolean tooMuchOutput = false;
			while (!group.waitFor(TICK)) {
				if (log.failure() instanceof ApiException.LeaseLost) {
					cancel(CancelReason.LEASE_LOST);
				}
				timedOut = System.nanoTime() > deadline;
				tooMuchOutput = outputSize(log) > config.maxOutputBytes();
				if (canceled.get() != null || timedOut || tooMuchOutput) {
					group.cancel(config.killGrace());
					break;
				}
			}
			if (canceled.get() != null) {
				log.line("step " + n + " stopped: " + canceled.get().text());
				return new Outcome(JobResult.CANCELED, canceled.get().text(), null, false);
			}
			if (timedOut) {
				String reason = "timed out after " + human(Duration.ofSeconds(job.timeoutSeconds())) + " in step " + n;
				log.line(reason);
				return new Outcome(JobResult.TIMED_OUT, reason, null, false);
			}
			if (tooMuchOutput) {
				String reason = "step " + n + " wrote more than " + (config.maxOutputBytes() >> 20)
						+ " MiB of output: stopped before it fills the host's disk";
				log.line(reason);
				return new Outcome(JobResult.FAILED, reason, null, false);
			}
			int exit = group.exitValue();
			Optional<String> lab = infraError(workspace, n, exit);
			sections.end(exit, exit != 0 || lab.isPresent());
			if (lab.isPresent()) {
				log.line(lab.get());
				return new Outcome(JobResult.INFRA_ERROR, lab.get(), exit, false);
			}
			if (exit != 0) {
				log.line("step " + n + " exited " + exit);
				return new Outcome(JobResult.FAILED, "step " + n + " exited " + exit, exit, false);
			}
		}
		if (!misses.isEmpty()) {
			sections.start("cache", "save caches");
		}
		try {
			caches.save(misses, job.cacheScope(), workspace, log);
			misses = List.of();
		}
		catch (IOException e) {
			// The job passed all the same; the next one builds what it would have restored.
			log.line("cache not saved: " + e.getMessage());
		}
		return new Outcome(JobResult.PASSED, "", 0, false);
	}

	/**
	 * A step blames the lab, not the commit, by exiting 75 ({@code EX_TEMPFAIL}) or by writing why into the file
	 * {@code $SNPLAB_INFRA_ERROR} names ("the SNP guest didn't launch: firmware"): the attempt is then an
	 * {@code infra_error}, retried on another host and counted toward the host's quarantine.
	 */
	private static Optional<String> infraError(Path workspace, int step, int exit) {
		Path file = infraErrorFile(workspace);
		try {
			if (Files.isRegularFile(file) && Files.size(file) > 0) {
				byte[] head;
				try (var in = Files.newInputStream(file)) {
					head = in.readNBytes(INFRA_REASON_BYTES);
				}
				String reason = new String(head, StandardCharsets.UTF_8).strip();
				if (!reason.isEmpty()) {
					return Optional.of("step " + step + " reported an infrastructure error: " + reason);
				}
			}
		}
		catch (IOException e) {
			return Optional.of("step " + step + " reported an infrastructure error, unreadable: " + e.getMessage());
		}
		if (exit == EX_TEMPFAIL) {
			return Optional.of("step " + step + " exited 75 (EX_TEMPFAIL): an infrastructure error, not the commit's");
		}
		return Optional.empty();
	}

	/** Inside the workspace's .git, which the steps' user owns and git itself never shows. */
	private static Path infraErrorFile(Path workspace) {
		return workspace.resolve(".git").resolve("snplab-infra-error").toAbsolutePath();
	}

	private static long outputSize(LogStreamer log) {
		try {
			return Files.size(log.file());
		}
		catch (IOException e) {
			return 0;
		}
	}

	private Map<String, String> environment(Path workspace) {
		Map<String, String> env = new HashMap<>();
		job.env().forEach((k, v) -> {
			if (k != null && v != null) {
				env.put(k, v);
			}
		});
		env.put("SNPLAB_JOB_ID", Long.toString(job.jobId()));
		env.put("SNPLAB_COMMIT", job.commit());
		env.put("SNPLAB_SLOT", Integer.toString(slot));
		env.put("SNPLAB_WORKSPACE", workspace.toAbsolutePath().toString());
		env.put("SNPLAB_INFRA_ERROR", infraErrorFile(workspace).toString());
		// One vsock CID and port per slot so that parallel SNP guests on a host never collide.
		env.put("SNPLAB_VSOCK_CID", Integer.toString(config.vsockCidBase() + slot));
		env.put("SNPLAB_VSOCK_PORT", Integer.toString(config.vsockPortBase() + slot));
		return env;
	}

	/** Flushes the log, then finishes; neither when the attempt is no longer ours. */
	private Outcome report(LogStreamer log, Outcome outcome) throws InterruptedException {
		boolean stopping = canceled.get() == CancelReason.AGENT_STOPPED;
		if (canceled.get() == CancelReason.LEASE_LOST
				|| (log != null && log.failure() instanceof ApiException.LeaseLost)) {
			if (log != null) {
				log.abandon();
			}
			logger.warn("job {} attempt {} lost; not finishing", job.jobId(), job.attempt());
			return outcome;
		}
		if (log != null && !log.close(stopping ? REPORT_ON_STOP : REPORT_FOR)) {
			logger.warn("job {}: not all of the log reached the server", job.jobId());
		}
		if (log != null && log.failure() instanceof ApiException.LeaseLost) {
			return outcome;
		}
		Finish finish = new Finish(outcome.result().value(), outcome.reason(), outcome.exitCode(),
				workspace == null ? null : workspace.toAbsolutePath().toString(),
				sections == null ? List.of() : sections.all(outcome.result() == JobResult.PASSED));
		try {
			Retry.call("finish of job " + job.jobId(), stopping ? REPORT_ON_STOP : REPORT_FOR, () -> {
				api.finish(job.jobId(), job.attempt(), finish);
				return null;
			});
			return new Outcome(outcome.result(), outcome.reason(), outcome.exitCode(), true);
		}
		catch (ApiException.Rejected e) {
			onRejected.accept(e);
		}
		catch (IOException e) {
			logger.warn("job {}: finish not reported: {}", job.jobId(), e.getMessage());
		}
		return outcome;
	}

	static String human(Duration d) {
		long s = d.toSeconds();
		if (s < 60) {
			return s + "s";
		}
		if (s < 3600) {
			return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
		}
		return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : s % 3600 / 60 + "m");
	}
}
