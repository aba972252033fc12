package org.snplab.ctl;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import org.snplab.queue.JobResult;
import org.snplab.queue.JobState;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code java -jar snplab.jar ctl --server URL --token-file FILE COMMAND}: the lab from a terminal or a script.
 * Readable tables by default, {@code --json} for scripts; exit 0 on success, 1 when the server refused (the reason
 * on stderr, one line), 2 for a usage error, 3 when the server couldn't be reached or failed, 4 when
 * {@code logs -f} saw the job end without passing.
 */
@Command(name = "ctl", mixinStandardHelpOptions = true, sortOptions = false,
		description = "Operate a snplab server through its JSON API (an API token: make one at /tokens).",
		footer = { "", "Exit codes: 0 ok, 1 refused by the server, 2 usage error, 3 server unreachable or failing,",
				"4 (logs -f) the job ended without passing." })
public final class CtlCommand {

	/** A job in one of these states may still change: {@code logs -f} keeps following it. */

	@Option(names = "--server", required = true, description = "the server's URL, e.g. https://snplab.osuosl.org",
			defaultValue = "${env:SNPLAB_SERVER}")
	URI server;

	@Option(names = "--token-file", required = true, description = "a file holding an API token",
			defaultValue = "${env:SNPLAB_TOKEN_FILE}")
	Path tokenFile;

	@Option(names = "--json", description = "print the server's JSON instead of a table")
	boolean json;

	@Spec
	CommandLine.Model.CommandSpec spec;

	/** Runs a ctl command line; returns the process's exit code. */
	public static int run(String... args) {
		return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
	}

	static int run(PrintWriter out, PrintWriter err, String... args) {
		CommandLine line = new CommandLine(new CtlCommand()).setOut(out).setErr(err);
		line.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
			if (ex instanceof CtlException failure) {
				commandLine.getErr().println("snplab ctl: " + failure.getMessage());
				return failure.exitCode();
			}
			throw ex;
		});
		return line.execute(args);
	}

	@Command(name = "hosts", description = "the hosts, their state and labels")
	int hosts() {
		JsonNode hosts = api().get("/api/hosts");
		if (printedJson(hosts)) {
			return 0;
		}
		Table table = new Table("ID", "NAME", "STATE", "SLOTS", "LABELS", "LAST SEEN");
		for (JsonNode host : hosts) {
			table.row(host.get("id").asLong(), text(host, "name"), text(host, "state"), host.get("slots").asInt(),
					labels(host.get("labels")), text(host, "lastSeen"));
		}
		table.print(out());
		return 0;
	}

	@Command(name = "queue", description = "the waiting jobs in line, and the running ones")
	int queue() {
		JsonNode queue = api().get("/api/queue");
		if (printedJson(queue)) {
			return 0;
		}
		Table waiting = new Table("JOB", "RUN", "NAME", "PRIORITY", "AHEAD", "ETA", "REQUIRES");
		for (JsonNode job : queue.get("waiting")) {
			String eta = job.hasNonNull("etaSeconds") ? job.get("etaSeconds").asLong() + "s" : text(job, "etaNote");
			waiting.row(job.get("jobId").asLong(), job.get("runId").asLong(), text(job, "name"), job.get("priority").asInt(),
					job.get("ahead").asInt(), eta, text(job, "requires"));
		}
		waiting.print(out());
		out().println();
		Table running = new Table("JOB", "RUN", "NAME", "HOST", "ATTEMPT", "STARTED");
		for (JsonNode job : queue.get("running")) {
			running.row(job.get("jobId").asLong(), job.get("runId").asLong(), text(job, "name"), text(job, "host"),
					job.get("attempt").asInt(), text(job, "startedAt"));
		}
		running.print(out());
		return 0;
	}

	@Command(name = "runs", description = "recent runs, newest first")
	int runs(@Option(names = "--repository", description = "only runs of this clone URL") String repository,
			@Option(names = "--state", description = "only runs in this state (queued, running, passed, failed, ...)") String state,
			@Option(names = "--limit", defaultValue = "20", description = "at most this many (default ${DEFAULT-VALUE})") int limit) {
		Map<String, String> query = new LinkedHashMap<>();
		query.put("repository", repository);
		query.put("state", state);
		query.put("limit", Integer.toString(limit));
		JsonNode runs = api().get("/api/runs?" + query.entrySet().stream()
			.filter(e -> e.getValue() != null)
			.map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&")));
		if (printedJson(runs)) {
			return 0;
		}
		Table table = new Table("ID", "STATE", "REPOSITORY", "REF", "COMMIT", "TRIGGER", "JOBS", "CREATED");
		for (JsonNode run : runs.get("runs")) {
			table.row(run.get("id").asLong(), text(run, "state"), text(run, "repository"), text(run, "ref"),
					shortSha(text(run, "commit")), text(run, "trigger"),
					run.get("passed").asInt() + "/" + run.get("jobs").asInt() + " passed", text(run, "createdAt"));
		}
		table.print(out());
		return 0;
	}

	@Command(name = "run", description = "one run and its jobs")
	int run(@Parameters(paramLabel = "RUN", description = "the run's id") long id) {
		JsonNode run = api().get("/api/runs/" + id);
		if (printedJson(run)) {
			return 0;
		}
		out().printf("run %d  %s  %s %s at %s (%s)%n", id, text(run, "state"), text(run, "repository"), text(run, "ref"),
				shortSha(text(run, "commit")), text(run, "trigger"));
		if (run.hasNonNull("error")) {
			out().println("error: " + text(run, "error"));
		}
		Table jobs = new Table("JOB", "NAME", "STATE", "HOST", "ATTEMPT", "WHY");
		for (JsonNode job : run.get("jobs")) {
			String why = job.hasNonNull("waiting") ? text(job, "waiting") : job.hasNonNull("reason") ? text(job, "reason") : null;
			jobs.row(job.get("id").asLong(), text(job, "name"), text(job, "state"), text(job, "host"),
					job.get("attempt").asInt() + "/" + job.get("maxAttempts").asInt(), why);
		}
		jobs.print(out());
		return 0;
	}

	@Command(name = "logs", description = "a job's log (its current attempt)")
	int logs(@Parameters(paramLabel = "JOB", description = "the job's id") long id,
			@Option(names = { "-f", "--follow" }, description = "keep printing until the job ends; exit 4 if it didn't pass") boolean follow)
			throws InterruptedException {
		ServerApi api = api();
		int printed = 0;
		while (true) {
			String state = follow ? text(api.get("/api/jobs/" + id), "state") : null;
			String log = api.getText("/api/jobs/" + id + "/log");
			if (log.length() > printed) {
				out().print(log.substring(printed));
				out().flush();
				printed = log.length();
			}
			if (!follow) {
				return 0;
			}
			if (!unfinished(state)) {
				// What the last lines of the log said before the job ended is printed above: read it once more.
				String last = api.getText("/api/jobs/" + id + "/log");
				if (last.length() > printed) {
					out().print(last.substring(printed));
					out().flush();
				}
				return JobResult.PASSED.value().equals(state) ? 0 : CtlException.JOB_DID_NOT_PASS;
			}
			Thread.sleep(1000);
		}
	}

	@Command(name = "submit", description = "queue a run of a repository's .snplab.yml at a ref")
	int submit(@Parameters(paramLabel = "REPOSITORY", description = "its clone URL") String repository,
			@Parameters(paramLabel = "REF", description = "a branch, tag or commit") String ref) {
		JsonNode run = api().post("/api/runs", Map.of("repository", repository, "ref", ref));
		return printed(run, "queued run " + run.path("id").asLong());
	}

	@Command(name = "cancel", description = "cancel a run's unfinished jobs")
	int cancel(@Parameters(paramLabel = "RUN") long id) {
		return printed(api().post("/api/runs/" + id + "/cancel", null), "canceled run " + id);
	}

	@Command(name = "retry", description = "queue a new run of a finished run's jobs that didn't pass")
	int retry(@Parameters(paramLabel = "RUN") long id) {
		JsonNode retry = api().post("/api/runs/" + id + "/retry", null);
		return printed(retry, "queued run " + retry.path("id").asLong() + ", a retry of run " + id);
	}

	@Command(name = "drain", description = "let a host finish its jobs and take no new one")
	int drain(@Parameters(paramLabel = "HOST", description = "its id or name") String host) {
		long id = hostId(host);
		return printed(api().post("/api/hosts/" + id + "/drain", null), "host " + host + " drains");
	}

	@Command(name = "enable", description = "enable a host and put it back in service")
	int enable(@Parameters(paramLabel = "HOST", description = "its id or name") String host) {
		ServerApi api = api();
		long id = hostId(host);
		api.post("/api/hosts/" + id + "/enable", null);
		return printed(api.post("/api/hosts/" + id + "/activate", null), "host " + host + " is enabled and in service");
	}

	@Command(name = "reserve", description = "reserve a host for yourself: it finishes its job and takes no new one")
	int reserve(@Parameters(paramLabel = "HOST", description = "its id or name") String host,
			@Option(names = "--minutes", required = true, description = "for how long") int minutes,
			@Option(names = "--reason", defaultValue = "reserved with snplab ctl", description = "shown on the host page") String reason) {
		long id = hostId(host);
		JsonNode reservation = api().post("/api/hosts/" + id + "/reservation", Map.of("minutes", minutes, "reason", reason));
		return printed(reservation, "host " + host + " reserved for " + minutes + " minutes");
	}

	private long hostId(String host) {
		if (host.matches("[0-9]+")) {
			return Long.parseLong(host);
		}
		for (JsonNode candidate : api().get("/api/hosts")) {
			if (host.equals(text(candidate, "name"))) {
				return candidate.get("id").asLong();
			}
		}
		throw CtlException.refused("no host named " + host + " (ctl hosts lists them)");
	}

	private ServerApi api() {
		if (!"http".equals(server.getScheme()) && !"https".equals(server.getScheme())) {
			throw new CommandLine.ParameterException(spec.commandLine(), "--server must be an http(s) URL, not " + server);
		}
		String token;
		try {
			token = Files.readString(tokenFile).strip();
		}
		catch (IOException ex) {
			throw new CommandLine.ParameterException(spec.commandLine(), "--token-file " + tokenFile + ": can't read it ("
					+ ex.getClass().getSimpleName() + ")");
		}
		if (token.isEmpty()) {
			throw new CommandLine.ParameterException(spec.commandLine(), "--token-file " + tokenFile + " is empty");
		}
		return new ServerApi(server, token);
	}

	private boolean printedJson(JsonNode node) {
		if (json) {
			out().println(ServerApi.toJson(node));
			out().flush();
		}
		return json;
	}

	private int printed(JsonNode node, String line) {
		if (!printedJson(node)) {
			out().println(line);
			out().flush();
		}
		return 0;
	}

	private PrintWriter out() {
		return spec.commandLine().getOut();
	}

	/** Whether a job's shown state (its {@link JobState}, or its {@link JobResult} once finished) lets it still run. */
	private static boolean unfinished(String shown) {
		return Arrays.stream(JobState.values()).anyMatch(state -> state.unfinished() && state.value().equals(shown));
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return value == null || value.isNull() ? null : value.asString();
	}

	private static String labels(JsonNode labels) {
		if (labels == null || labels.isEmpty()) {
			return "-";
		}
		return StreamSupport.stream(labels.properties().spliterator(), false)
			.map(e -> e.getValue().asString().isEmpty() ? e.getKey() : e.getKey() + "=" + e.getValue().asString())
			.collect(Collectors.joining(","));
	}

	private static String shortSha(String sha) {
		return sha == null || sha.length() < 12 ? sha : sha.substring(0, 12);
	}
}
