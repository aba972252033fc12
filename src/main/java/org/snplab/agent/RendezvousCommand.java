package org.snplab.agent;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.snplab.agent.api.AgentApi;
import org.snplab.agent.worker.StepRendezvous;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import tools.jackson.databind.JsonNode;

/**
 * {@code snplab-send KEY VALUE} and {@code snplab-wait ROLE KEY [--timeout SECONDS]}, the commands a step of a
 * multi-host job's role finds on its {@code PATH} (run as {@code snplab.jar rendezvous send|wait ...}). They talk
 * to the agent running the job ({@code SNPLAB_RENDEZVOUS_URL}, {@code SNPLAB_RENDEZVOUS_TOKEN}), which forwards to
 * the server. Exit codes: 0 done (snplab-wait printed the value), 1 refused or timed out (the reason on stderr),
 * 2 usage error or not in a job's step, 3 the agent or the server unreachable.
 */
public final class RendezvousCommand {

	static final int REFUSED = 1;

	static final int USAGE = 2;

	static final int UNREACHABLE = 3;

	private RendezvousCommand() {
	}

	public static int run(String[] args) {
		return run(args, System.getenv(), System.out, System.err);
	}

	static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
		Object command = args.length == 0 ? null : switch (args[0]) {
			case "send" -> new Send();
			case "wait" -> new Wait();
			default -> null;
		};
		if (command == null) {
			err.println("snplab.jar rendezvous: send KEY VALUE, or wait ROLE KEY [--timeout SECONDS]");
			return USAGE;
		}
		CommandLine line = new CommandLine(command);
		String name = line.getCommandName();
		try {
			line.parseArgs(Arrays.copyOfRange(args, 1, args.length));
			if (line.isUsageHelpRequested()) {
				line.usage(out);
				return 0;
			}
		}
		catch (CommandLine.ParameterException e) {
			err.println(name + ": " + e.getMessage());
			line.usage(new PrintWriter(err, true));
			return USAGE;
		}
		String url = environment.get(StepRendezvous.URL_VARIABLE);
		String token = environment.get(StepRendezvous.TOKEN_VARIABLE);
		if (url == null || url.isBlank() || token == null || token.isBlank()) {
			err.println(name + ": " + StepRendezvous.URL_VARIABLE + " and " + StepRendezvous.TOKEN_VARIABLE
					+ " are not set: run it in a step of a snplab job");
			return USAGE;
		}
		Request request = command instanceof Send send ? send.request() : ((Wait) command).request();
		if (request.error() != null) {
			err.println(name + ": " + request.error());
			return USAGE;
		}
		return call(name, url, token, request, out, err);
	}

	private record Request(String path, Map<String, Object> body, String error) {
	}

	private static int call(String name, String url, String token, Request request, PrintStream out, PrintStream err) {
		HttpClient http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(10))
			.build();
		HttpResponse<String> response;
		try {
			response = http.send(HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + request.path()))
				.header("Authorization", "Bearer " + token)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(AgentApi.JSON.writeValueAsString(request.body()),
						StandardCharsets.UTF_8))
				.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		}
		catch (IOException | IllegalArgumentException e) {
			err.println(name + ": can't reach the snplab agent at " + url + " (" + e + "); did the job end?");
			return UNREACHABLE;
		}
		catch (InterruptedException e) {
			return REFUSED;
		}
		JsonNode answer;
		try {
			answer = AgentApi.JSON.readTree(response.body());
		}
		catch (RuntimeException e) {
			err.println(name + ": unreadable answer from the agent (" + response.statusCode() + ")");
			return UNREACHABLE;
		}
		if (response.statusCode() == 200) {
			if (answer.hasNonNull("value")) {
				out.println(answer.get("value").asString());
			}
			return 0;
		}
		String error = answer.hasNonNull("error") ? answer.get("error").asString() : "refused (" + response.statusCode() + ")";
		err.println(name + ": " + error);
		return response.statusCode() == 502 || response.statusCode() >= 503 ? UNREACHABLE : REFUSED;
	}

	@Command(name = "snplab-send", usageHelpAutoWidth = true,
			description = "Sends VALUE under KEY to the other roles of this multi-host job (this attempt of it).")
	static final class Send {

		@Parameters(index = "0", paramLabel = "KEY", description = "1 to 100 of A-Z a-z 0-9 _ . -")
		String key;

		@Parameters(index = "1", paramLabel = "VALUE", description = "text, at most 64 KiB")
		String value;

		@Option(names = { "-h", "--help" }, usageHelp = true, description = "show this help and exit")
		boolean help;

		Request request() {
			Map<String, Object> body = new HashMap<>();
			body.put("key", key);
			body.put("value", value);
			return new Request("/send", body, null);
		}
	}

	@Command(name = "snplab-wait", usageHelpAutoWidth = true,
			description = "Waits until role ROLE of this multi-host job sent KEY, and prints its value.")
	static final class Wait {

		@Parameters(index = "0", paramLabel = "ROLE", description = "the role that sends it")
		String role;

		@Parameters(index = "1", paramLabel = "KEY", description = "what it sends it under")
		String key;

		@Option(names = "--timeout", paramLabel = "SECONDS", description = "give up after this long (default: the "
				+ "job's remaining time)")
		Long timeoutSeconds;

		@Option(names = { "-h", "--help" }, usageHelp = true, description = "show this help and exit")
		boolean help;

		Request request() {
			if (timeoutSeconds != null && timeoutSeconds < 0) {
				return new Request(null, null, "--timeout must be 0 or more seconds, got " + timeoutSeconds);
			}
			Map<String, Object> body = new HashMap<>();
			body.put("role", role);
			body.put("key", key);
			body.put("timeoutSeconds", timeoutSeconds);
			return new Request("/wait", body, null);
		}
	}
}
