package org.snplab.agent;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.snplab.agent.api.AgentApi;
import org.snplab.agent.api.AgentTls;
import org.snplab.agent.probe.HostProbe;
import org.snplab.git.GitUrlRewrites;
import org.snplab.scheduler.Sizes;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Command line of the agent role, parsed by picocli: {@code snplab.jar agent --server URL ...}, or
 * {@code snplab.jar agent --probe [--root DIR]} to print what the host would report; {@code --help} lists it all.
 * Usage errors exit 2 with the reason and the usage.
 */
@Command(name = "snplab.jar agent", sortOptions = false, usageHelpAutoWidth = true,
		description = { "Runs this host's jobs for a snplab server, connecting out to it.",
				"The registration token: --token, or SNPLAB_REGISTRATION_TOKEN in the environment (not shown by ps)." })
public final class AgentCommand {

	@Option(names = "--server", paramLabel = "URL", description = "the server, https:// (http:// only to this machine, "
			+ "unless --insecure-http)")
	String server;

	@Option(names = "--token", paramLabel = "TOKEN", description = "the registration token (first start only)")
	String token;

	@Option(names = "--work-dir", paramLabel = "DIR", description = "workspaces, mirrors, caches and credential.json "
			+ "(default ${DEFAULT-VALUE})", defaultValue = "agent-work")
	Path workDir;

	@Option(names = "--name", paramLabel = "NAME", description = "host name shown by the server (default: this host's name)")
	String name;

	@Option(names = "--slots", paramLabel = "N", description = "jobs run at once at most (default ${DEFAULT-VALUE})",
			defaultValue = "1")
	int slots;

	@Option(names = "--memory", paramLabel = "SIZE", description = "memory jobs may use, e.g. 16G (default: probed "
			+ "memory less the server's reserve)")
	String memory;

	@Option(names = "--address", paramLabel = "ADDR", description = "where the other hosts of a multi-host job reach "
			+ "this one (SNPLAB_HOST_<ROLE>; default: this machine's primary IP, the one it reaches the server from)")
	String address;

	@Option(names = "--cpus", paramLabel = "N", description = "cpus jobs may use (default: all probed)")
	Integer cpus;

	@Option(names = "--label", paramLabel = "KEY[=VALUE]", description = "a label for job placement (coconut, "
			+ "board=epyc-9124); repeat for more")
	List<String> labels = new ArrayList<>();

	@Option(names = "--git-rewrite", paramLabel = "FROM=TO", description = "fetch URLs starting with FROM from TO "
			+ "instead (git's insteadOf); repeat for more")
	List<String> gitRewrites = new ArrayList<>();

	@Option(names = "--kill-grace", paramLabel = "SECONDS", description = "from TERM to KILL when a job is stopped "
			+ "(default ${DEFAULT-VALUE})", defaultValue = "10")
	int killGrace;

	@Option(names = "--drain-timeout", paramLabel = "SECONDS", description = "on SIGTERM, running jobs get this long to "
			+ "finish before they are canceled (default ${DEFAULT-VALUE}; a second SIGTERM cancels them at once)",
			defaultValue = "3600")
	int drainTimeout;

	@Option(names = "--vsock-cid-base", paramLabel = "N", description = "slot s gets SNPLAB_VSOCK_CID = N + s "
			+ "(default ${DEFAULT-VALUE})", defaultValue = "100")
	int vsockCidBase;

	@Option(names = "--vsock-port-base", paramLabel = "N", description = "slot s gets SNPLAB_VSOCK_PORT = N + s "
			+ "(default ${DEFAULT-VALUE})", defaultValue = "10000")
	int vsockPortBase;

	@Option(names = "--max-output-mib", paramLabel = "N", description = "stop a job whose output passes N MiB, before "
			+ "it fills the disk (default ${DEFAULT-VALUE})", defaultValue = "1024")
	int maxOutputMib;

	@Option(names = "--run-as", paramLabel = "USER", description = "run steps as this unprivileged user (the agent "
			+ "runs as root)")
	String runAs;

	@Option(names = "--cache-max-gib", paramLabel = "N", description = "the jobs' caches on this host together, least "
			+ "recently used evicted (default ${DEFAULT-VALUE})", defaultValue = "20")
	int cacheMaxGib;

	@Option(names = "--ca-cert", paramLabel = "FILE", description = "trust this CA (PEM) besides the system's: a lab's "
			+ "own CA in front of the server")
	Path caCert;

	@Option(names = "--client-cert", paramLabel = "FILE", description = "a client certificate (PEM) for mutual TLS at "
			+ "the lab's proxy; with --client-key")
	Path clientCert;

	@Option(names = "--client-key", paramLabel = "FILE", description = "its private key (PEM, PKCS#8)")
	Path clientKey;

	@Option(names = "--insecure-http", description = "allow http:// to another machine (the credential crosses the "
			+ "network in clear)")
	boolean insecureHttp;

	@Option(names = "--probe", description = "print the facts this host would report, as JSON, and exit")
	boolean probe;

	@Option(names = "--root", paramLabel = "DIR", description = "with --probe: read a captured snapshot of a host "
			+ "(DIR/proc/cpuinfo, DIR/commands/dmesg, ...)")
	Path root;

	@Option(names = { "-h", "--help" }, usageHelp = true, description = "show this help and exit")
	boolean help;

	/** Logback's configuration of the agent process, a resource in the jar: INFO and up on stderr. */
	static final String LOG_CONFIGURATION = "org/snplab/agent/logback-agent.xml";

	private AgentCommand() {
	}

	/** The agent process's entry: its log goes through SLF4J, configured by {@link #LOG_CONFIGURATION}. */
	public static int run(String[] args) {
		// Before any logger exists; -Dlogback.configurationFile=FILE on the java command line still wins.
		if (System.getProperty("logback.configurationFile") == null) {
			System.setProperty("logback.configurationFile", LOG_CONFIGURATION);
		}
		return run(args, System.out, System.err);
	}

	static int run(String[] args, PrintStream out, PrintStream err) {
		CommandLine line = new CommandLine(new AgentCommand());
		Object parsed;
		try {
			line.parseArgs(args);
			if (line.isUsageHelpRequested()) {
				line.usage(out);
				return 0;
			}
			parsed = line.<AgentCommand>getCommand().config(System.getenv());
		}
		catch (CommandLine.ParameterException | IllegalArgumentException e) {
			err.println("agent: " + e.getMessage());
			line.usage(new PrintWriter(err, true));
			return 2;
		}
		if (parsed instanceof Path probeRoot) {
			out.println(AgentApi.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(new HostProbe(probeRoot).probe()));
			return 0;
		}
		try {
			return new Agent((AgentConfig) parsed, err).run();
		}
		catch (InterruptedException e) {
			return 1;
		}
	}

	/** An {@link AgentConfig}, or the probe root when {@code --probe} was given. */
	static Object parse(String[] args, Map<String, String> environment) {
		CommandLine line = new CommandLine(new AgentCommand());
		try {
			line.parseArgs(args);
		}
		catch (CommandLine.ParameterException e) {
			throw new IllegalArgumentException(e.getMessage(), e);
		}
		return line.<AgentCommand>getCommand().config(environment);
	}

	private Object config(Map<String, String> environment) {
		if (probe) {
			if (server != null || token != null || !labels.isEmpty() || slots != 1 || name != null) {
				throw new IllegalArgumentException("--probe takes only --root");
			}
			return root == null ? Path.of("/") : root;
		}
		if (root != null) {
			throw new IllegalArgumentException("--root goes with --probe");
		}
		if (server == null || server.isBlank()) {
			throw new IllegalArgumentException("--server is required");
		}
		URI uri = server(server);
		String registrationToken = token != null ? token : environment.get(AgentConfig.TOKEN_VARIABLE);
		if (registrationToken == null || registrationToken.isBlank()) {
			throw new IllegalArgumentException("--token (or " + AgentConfig.TOKEN_VARIABLE + ") is required");
		}
		atLeast("--slots", slots, 1);
		atLeast("--kill-grace", killGrace, 0);
		atLeast("--drain-timeout", drainTimeout, 0);
		atLeast("--vsock-cid-base", vsockCidBase, 3); // CIDs 0-2 are vsock's own: hypervisor, local, host
		atLeast("--vsock-port-base", vsockPortBase, 0);
		atLeast("--max-output-mib", maxOutputMib, 1);
		atLeast("--cache-max-gib", cacheMaxGib, 1);
		if (cpus != null) {
			atLeast("--cpus", cpus, 1);
		}
		Map<String, String> labelMap = new LinkedHashMap<>();
		labels.forEach(label -> label(label, labelMap));
		gitRewrites.forEach(GitUrlRewrites.Rewrite::parse); // refused now, with its reason, rather than at the first job
		Long memoryMb = null;
		if (memory != null) {
			try {
				memoryMb = Sizes.megabytes(memory);
			}
			catch (IllegalArgumentException e) {
				throw new IllegalArgumentException("--memory " + e.getMessage());
			}
		}
		AgentTls tls = new AgentTls(caCert, clientCert, clientKey, insecureHttp);
		tls.check(uri);
		return new AgentConfig(uri, registrationToken, workDir, name != null ? name : hostname(), slots, labelMap,
				Duration.ofSeconds(killGrace), vsockCidBase, vsockPortBase, (long) maxOutputMib << 20, runAs,
				AgentConfig.DEFAULT_POLL_WAIT_SECONDS, Path.of("/"), Map.of(), gitRewrites,
				Duration.ofSeconds(drainTimeout), (long) cacheMaxGib << 30, tls,
				address != null ? address : PrimaryAddress.of(uri))
			.withCapacity(memoryMb, cpus);
	}

	/**
	 * {@code KEY} or {@code KEY=VALUE}: a label without a value (stored with an empty one) is what a pipeline's
	 * {@code labels: [coconut]} asks for; {@code labels: [board=x]} needs the value too.
	 */
	private static void label(String value, Map<String, String> labels) {
		int eq = value.indexOf('=');
		String key = eq < 0 ? value : value.substring(0, eq);
		if (key.isBlank() || !key.equals(key.strip())) {
			throw new IllegalArgumentException("--label wants KEY or KEY=VALUE, got '" + value + "'");
		}
		if (labels.put(key, eq < 0 ? "" : value.substring(eq + 1)) != null) {
			throw new IllegalArgumentException("--label " + key + " given twice");
		}
	}

	private static void atLeast(String option, int value, int min) {
		if (value < min) {
			throw new IllegalArgumentException(option + " must be at least " + min + ", got " + value);
		}
	}

	private static URI server(String url) {
		try {
			URI uri = new URI(url);
			if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
				throw new IllegalArgumentException("--server wants an http(s) URL, got " + url);
			}
			return uri;
		}
		catch (java.net.URISyntaxException e) {
			throw new IllegalArgumentException("--server wants an http(s) URL, got " + url);
		}
	}

	private static String hostname() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException e) {
			String env = System.getenv("HOSTNAME");
			return env != null ? env : "agent";
		}
	}
}
