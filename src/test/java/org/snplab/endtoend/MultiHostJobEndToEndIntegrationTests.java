package org.snplab.endtoend;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.support.AgentProcess;
import org.snplab.support.Eventually;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import org.snplab.support.TestRepositories;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job of two hosts at once on two real agents, each reporting its own address: each role's steps learn their
 * role, the roles and their peer's address; a {@code kill -9} of one role's agent retries the whole job.
 */
class MultiHostJobEndToEndIntegrationTests extends ServerIntegrationTest {

	private static final String ECHO_ENV = "echo \"role=$SNPLAB_ROLE roles=$SNPLAB_ROLES source=$SNPLAB_HOST_SOURCE "
			+ "destination=$SNPLAB_HOST_DESTINATION\"";

	@TempDir
	Path temp;

	@Test
	void eachRoleRunsOnItsOwnAgentKnowingItsPeersAddress() throws Exception {
		TestRepositories repo = TestRepositories.init(temp.resolve("repo"));
		repo.commit("pipeline", Map.of(".snplab.yml", """
				jobs:
				  pair:
				    steps: [ '%s' ]
				    roles: { source: {}, destination: {} }
				""".formatted(ECHO_ENV)));

		try (AgentProcess first = agent("milan-1", "127.0.0.1"); AgentProcess second = agent("milan-2", "127.0.0.2")) {
			awaitHosts(2);
			JsonNode finished = awaitRunFinished(startRun(repo));

			assertThat(finished.get("state").asString()).as(finished.toString()).isEqualTo("passed");
			Map<String, String> hostOfRole = new HashMap<>();
			for (JsonNode job : finished.get("jobs")) {
				hostOfRole.put(job.get("name").asString(), job.get("host").asString());
			}
			assertThat(hostOfRole.keySet()).containsExactlyInAnyOrder("pair/source", "pair/destination");
			assertThat(hostOfRole.get("pair/source")).isNotEqualTo(hostOfRole.get("pair/destination"));
			String source = address(hostOfRole.get("pair/source"));
			String destination = address(hostOfRole.get("pair/destination"));
			for (JsonNode job : finished.get("jobs")) {
				String role = job.get("name").asString().substring("pair/".length());
				assertThat(anonymous().get("/api/jobs/" + job.get("id").asLong() + "/log").body())
					.contains("role=" + role + " roles=source destination source=" + source + " destination=" + destination);
			}
		}
	}

	/**
	 * What a live migration does between its hosts, on two real agents: the source listens on a port of its own
	 * address and tells the destination which through {@code snplab-send}; the destination learns it with
	 * {@code snplab-wait}, connects to the source's address and receives what it serves.
	 */
	@Test
	void theDestinationReceivesOverTcpWhatTheSourceServesAtThePortItSent() throws Exception {
		String payload = "guest-state-" + java.util.UUID.randomUUID();
		TestRepositories repo = TestRepositories.init(temp.resolve("repo"));
		repo.commit("pipeline", Map.of("Serve.java", """
				import java.io.OutputStream;
				import java.net.InetAddress;
				import java.net.ServerSocket;
				import java.net.Socket;
				import java.nio.charset.StandardCharsets;

				/** Listens on a free port of the address given, prints the port, serves the text given once. */
				class Serve {
					public static void main(String[] args) throws Exception {
						try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName(args[0]))) {
							System.out.println(server.getLocalPort());
							System.out.flush();
							server.setSoTimeout(90_000);
							try (Socket peer = server.accept(); OutputStream out = peer.getOutputStream()) {
								out.write((args[1] + "\\n").getBytes(StandardCharsets.UTF_8));
							}
							System.err.println("served one connection on " + server.getLocalSocketAddress());
						}
					}
				}
				""", ".snplab.yml", """
				jobs:
				  migrate:
				    roles:
				      source:
				        steps:
				          - |
				            java Serve.java "$SNPLAB_HOST_SOURCE" %s > port & server=$!
				            for i in $(seq 600); do [ -s port ] && break; sleep 0.1; done
				            echo "listening on $SNPLAB_HOST_SOURCE:$(cat port)"
				            snplab-send port "$(cat port)"
				            wait $server
				      destination:
				        steps:
				          - |
				            port=$(snplab-wait source port --timeout 90)
				            exec 3<>"/dev/tcp/$SNPLAB_HOST_SOURCE/$port"
				            read -r received <&3
				            echo "received from $SNPLAB_HOST_SOURCE:$port: $received"
				""".formatted(payload)));

		try (AgentProcess first = agent("milan-1", "127.0.0.1"); AgentProcess second = agent("milan-2", "127.0.0.2")) {
			awaitHosts(2);
			JsonNode finished = awaitRunFinished(startRun(repo));

			String sourceLog = log(job(finished, "migrate/source"));
			String destinationLog = log(job(finished, "migrate/destination"));
			assertThat(finished.get("state").asString()).as(sourceLog + destinationLog).isEqualTo("passed");
			String source = address(job(finished, "migrate/source").get("host").asString());
			java.util.regex.Matcher listening = java.util.regex.Pattern
				.compile("listening on " + java.util.regex.Pattern.quote(source) + ":(\\d+)")
				.matcher(sourceLog);
			assertThat(listening.find()).as(sourceLog).isTrue();
			assertThat(sourceLog).contains("served one connection on /" + source + ":" + listening.group(1));
			assertThat(destinationLog)
				.contains("received from " + source + ":" + listening.group(1) + ": " + payload);
		}
	}

	@Test
	void aKilledAgentRetriesEveryRoleOfTheJob() throws Exception {
		Path started = temp.resolve("started");
		java.nio.file.Files.createDirectories(started);
		TestRepositories repo = TestRepositories.init(temp.resolve("repo"));
		// The first attempt of each role waits long enough for its agent to be killed; the second passes at once.
		repo.commit("pipeline", Map.of(".snplab.yml", """
				jobs:
				  pair:
				    steps:
				      - '%s'
				      - 'if [ ! -e %s/$SNPLAB_ROLE ]; then touch %s/$SNPLAB_ROLE; sleep 120; fi'
				    roles: { source: {}, destination: {} }
				""".formatted(ECHO_ENV, started, started)));

		AgentProcess first = agent("milan-1", "127.0.0.1");
		AgentProcess second = agent("milan-2", "127.0.0.2");
		AgentProcess restarted = null;
		try {
			awaitHosts(2);
			long runId = startRun(repo);
			JsonNode running = Eventually.await(Duration.ofSeconds(60), "both roles to run",
					() -> anonymous().get("/api/runs/" + runId).json(),
					run -> run.get("jobs").size() == 2
							&& "running".equals(run.get("jobs").get(0).get("state").asString())
							&& "running".equals(run.get("jobs").get(1).get("state").asString())
							&& java.nio.file.Files.exists(started.resolve("source"))
							&& java.nio.file.Files.exists(started.resolve("destination")));
			String sourceHost = job(running, "pair/source").get("host").asString();
			AgentProcess killed = sourceHost.equals("milan-1") ? first : second;

			killed.crash();
			restarted = sourceHost.equals("milan-1") ? agent("milan-1", "127.0.0.1") : agent("milan-2", "127.0.0.2");
			JsonNode finished = awaitRunFinished(runId);

			assertThat(finished.get("state").asString()).as(finished.toString()).isEqualTo("passed");
			for (String name : new String[] { "pair/source", "pair/destination" }) {
				JsonNode job = job(finished, name);
				assertThat(job.get("attempt").asInt()).as(name).isEqualTo(2);
				JsonNode attempts = anonymous().get("/api/jobs/" + job.get("id").asLong()).json().get("attempts");
				assertThat(attempts).as(name + " " + attempts).hasSize(2);
				assertThat(attempts.get(0).get("result").asString()).as(name)
					.isEqualTo(name.equals("pair/source") ? "infra_error" : "canceled");
				assertThat(attempts.get(1).get("result").asString()).isEqualTo("passed");
			}
			assertThat(job(finished, "pair/source").get("host").asString())
				.isNotEqualTo(job(finished, "pair/destination").get("host").asString());
		}
		finally {
			first.close();
			second.close();
			if (restarted != null) {
				restarted.close();
			}
		}
	}

	private AgentProcess agent(String name, String address) throws java.io.IOException {
		return AgentProcess.start(baseUrl(), REGISTRATION_TOKEN, temp.resolve(name), name, "--address", address);
	}

	private void awaitHosts(int count) {
		Eventually.await(Duration.ofSeconds(30), count + " agents to register",
				() -> anonymous().get("/api/hosts").json(), hosts -> hosts.size() == count);
	}

	private long startRun(TestRepositories repo) {
		return HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD)
			.post("/api/runs", Map.of("repository", repo.url(), "ref", "main"))
			.json()
			.get("id")
			.asLong();
	}

	private JsonNode awaitRunFinished(long runId) {
		return Eventually.await(Duration.ofSeconds(120), "the run to finish",
				() -> anonymous().get("/api/runs/" + runId).json(),
				r -> !r.get("state").asString().matches("queued|running|waiting"));
	}

	private String log(JsonNode job) {
		return anonymous().get("/api/jobs/" + job.get("id").asLong() + "/log").body();
	}

	private String address(String host) {
		for (JsonNode h : anonymous().get("/api/hosts").json()) {
			if (h.get("name").asString().equals(host)) {
				return h.get("address").asString();
			}
		}
		throw new AssertionError("no host " + host);
	}

	private static JsonNode job(JsonNode run, String name) {
		for (JsonNode job : run.get("jobs")) {
			if (job.get("name").asString().equals(name)) {
				return job;
			}
		}
		throw new AssertionError("no job " + name + " in " + run);
	}

	private HttpApi anonymous() {
		return HttpApi.anonymous(baseUrl());
	}
}
