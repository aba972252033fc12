package org.snplab.agent;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.snplab.agent.api.AgentApi;
import org.snplab.agent.probe.HostProbe;
import org.snplab.git.GitUrlRewrites;
import org.snplab.scheduler.Sizes;

/**
 * Command line of the agent role: {@code snplab.jar agent --server URL --token TOKEN ...}, or
 * {@code snplab.jar agent --probe [--root DIR]} to print what the host would report.
 */
public final class AgentCommand {

	static final String USAGE = """
			usage: snplab.jar agent --server URL [--token TOKEN] [options]
			       snplab.jar agent --probe [--root DIR]
			  the registration token: --token, or SNPLAB_REGISTRATION_TOKEN in the environment (not shown by ps)
			options:
			  --work-dir DIR          workspaces and credential.json (default ./agent-work)
			  --name NAME             host name shown by the server (default: this host's name)
			  --slots N               jobs run at once at most (default 1)
			  --memory SIZE           memory jobs may use, e.g. 16G (default: probed memory less the server's reserve)
			  --cpus N                cpus jobs may use (default: all probed)
			  --label KEY[=VALUE]     a label for job placement (`coconut`, `board=epyc-9124`); repeat for more
			  --git-rewrite FROM=TO   fetch URLs starting with FROM from TO instead (git's insteadOf); repeat for more
			  --kill-grace SECONDS    from TERM to KILL when a job is stopped (default 10)
			  --vsock-cid-base N      slot s gets SNPLAB_VSOCK_CID = N + s (default 100)
			  --vsock-port-base N     slot s gets SNPLAB_VSOCK_PORT = N + s (default 10000)
			  --max-output-mib N      stop a job whose output passes N MiB, before it fills the disk (default 1024)
			  --run-as USER           run steps as this unprivileged user (the agent runs as root)
			""";

	private static final Set<String> OPTIONS = Set.of("--server", "--token", "--work-dir", "--name", "--slots", "--memory", "--cpus", "--label", "--git-rewrite",
			"--kill-grace", "--vsock-cid-base", "--vsock-port-base", "--max-output-mib", "--run-as", "--root");

	private AgentCommand() {
	}

	public static int run(String[] args) {
		return run(args, System.out, System.err);
	}

	static int run(String[] args, PrintStream out, PrintStream err) {
		Object parsed;
		try {
			parsed = parse(args, System.getenv());
		}
		catch (IllegalArgumentException e) {
			err.println("agent: " + e.getMessage());
			err.print(USAGE);
			return 2;
		}
		if (parsed instanceof Path root) {
			out.println(AgentApi.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(new HostProbe(root).probe()));
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
		Map<String, String> options = new LinkedHashMap<>();
		Map<String, String> labels = new LinkedHashMap<>();
		List<String> gitRewrites = new ArrayList<>();
		boolean probe = false;
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			String value = null;
			if (arg.startsWith("--") && arg.contains("=")) {
				value = arg.substring(arg.indexOf('=') + 1);
				arg = arg.substring(0, arg.indexOf('='));
			}
			if (arg.equals("--probe")) {
				if (value != null) {
					throw new IllegalArgumentException("--probe takes no value");
				}
				probe = true;
				continue;
			}
			if (!OPTIONS.contains(arg)) {
				throw new IllegalArgumentException("unknown argument " + args[i]);
			}
			if (value == null) {
				if (i + 1 >= args.length) {
					throw new IllegalArgumentException(arg + " needs a value");
				}
				value = args[++i];
			}
			if (arg.equals("--label")) {
				label(value, labels);
			}
			else if (arg.equals("--git-rewrite")) {
				GitUrlRewrites.Rewrite.parse(value); // refused now, with its reason, rather than at the first job
				gitRewrites.add(value);
			}
			else if (options.put(arg, value) != null) {
				throw new IllegalArgumentException(arg + " given twice");
			}
		}
		if (probe) {
			if (options.keySet().stream().anyMatch(o -> !o.equals("--root")) || !labels.isEmpty()) {
				throw new IllegalArgumentException("--probe takes only --root");
			}
			return Path.of(options.getOrDefault("--root", "/"));
		}
		if (options.containsKey("--root")) {
			throw new IllegalArgumentException("--root goes with --probe");
		}
		URI server = server(required(options, "--server"));
		String token = options.getOrDefault("--token", environment.get(AgentConfig.TOKEN_VARIABLE));
		if (token == null || token.isBlank()) {
			throw new IllegalArgumentException("--token (or " + AgentConfig.TOKEN_VARIABLE + ") is required");
		}
		Path workDir = Path.of(options.getOrDefault("--work-dir", AgentConfig.DEFAULT_WORK_DIR.toString()));
		String name = options.containsKey("--name") ? options.get("--name") : hostname();
		int slots = number(options, "--slots", 1, 1);
		Duration grace = Duration.ofSeconds(number(options, "--kill-grace", 10, 0));
		int cidBase = number(options, "--vsock-cid-base", AgentConfig.DEFAULT_VSOCK_CID_BASE, 3);
		int portBase = number(options, "--vsock-port-base", AgentConfig.DEFAULT_VSOCK_PORT_BASE, 0);
		long maxOutput = (long) number(options, "--max-output-mib", (int) (AgentConfig.DEFAULT_MAX_OUTPUT_BYTES >> 20), 1) << 20;
		Long memoryMb = null;
		if (options.containsKey("--memory")) {
			try {
				memoryMb = Sizes.megabytes(options.get("--memory"));
			}
			catch (IllegalArgumentException e) {
				throw new IllegalArgumentException("--memory " + e.getMessage());
			}
		}
		Integer cpus = options.containsKey("--cpus") ? number(options, "--cpus", 1, 1) : null;
		return new AgentConfig(server, token, workDir, name, slots, labels, grace, cidBase, portBase, maxOutput,
				options.get("--run-as"), AgentConfig.DEFAULT_POLL_WAIT_SECONDS, Path.of("/"), Map.of(), gitRewrites)
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

	private static String required(Map<String, String> options, String name) {
		String value = options.get(name);
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException(name + " is required");
		}
		return value;
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

	/** CIDs 0-2 are reserved by vsock (hypervisor, local, host), hence the minimum of 3 for the CID base. */
	private static int number(Map<String, String> options, String name, int fallback, int min) {
		String value = options.get(name);
		if (value == null) {
			return fallback;
		}
		try {
			int n = Integer.parseInt(value);
			if (n < min) {
				throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
			}
			return n;
		}
		catch (NumberFormatException e) {
			throw new IllegalArgumentException(name + " wants a number, got " + value);
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
