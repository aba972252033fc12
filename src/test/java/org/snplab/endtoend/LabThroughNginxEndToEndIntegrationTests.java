package org.snplab.endtoend;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.support.AgentProcess;
import org.snplab.support.Eventually;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerProcess;
import org.snplab.support.TestDatabases;
import org.snplab.support.TestRepositories;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lab as deploy/ sets it up: an agent trusting the lab's CA ({@code --ca-cert}) → Debian's nginx with the
 * project's site configuration, terminating TLS → two server processes (two JVMs, their own data directories, one
 * shared artifacts directory) → one PostgreSQL. A job dispatched through one instance is read, live log and artifacts,
 * through the other; a SIGTERM of one instance mid-run and a {@code kill -9} of the other lose nothing; Quartz's
 * timed work fires once per firing across the two.
 */
class LabThroughNginxEndToEndIntegrationTests {

	private static final String TOKEN = "lab-registration-token";

	private static final String ADMIN_PASSWORD = "lab-admin-password";

	private static final Duration WAIT = Duration.ofSeconds(120);

	@TempDir
	Path tmp;

	private final List<AutoCloseable> started = new ArrayList<>();

	private Process nginx;

	@AfterEach
	void stopEverything() throws Exception {
		for (int i = started.size() - 1; i >= 0; i--) {
			started.get(i).close();
		}
		if (nginx != null) {
			nginx.destroy();
			nginx.waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void jobsSurviveEitherServerStoppingBehindNginxAndTimedWorkFiresOnce() throws Exception {
		makeCertificates();
		String database = TestDatabases.newDatabase();
		String secretsKey = Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32));
		int[] ports = { ServerProcess.freePort(), ServerProcess.freePort() };
		ServerProcess[] servers = { server(0, ports, database, secretsKey), server(1, ports, database, secretsKey) };
		int tls = startNginx(ports);
		String lab = "https://127.0.0.1:" + tls;
		assertThat(HttpApi.anonymous(servers[0].baseUrl()).get("/actuator/health").status()).isEqualTo(200);

		TestRepositories repository = TestRepositories.init(tmp.resolve("repo"));
		repository.commit("pipeline", Map.of(".snplab.yml", """
				jobs:
				  build:
				    steps:
				      - "for i in $(seq 1 30); do echo line $i; sleep 0.4; done; echo built > out.txt"
				    artifacts: [ out.txt ]
				"""));
		AgentProcess agent = AgentProcess.start(lab, TOKEN, tmp.resolve("agent"), "milan-1",
				"--ca-cert", tmp.resolve("ca.pem").toString());
		started.add(agent);

		// Through instance 0, read through instance 1; instance 0 gets SIGTERM while the job runs.
		long first = submit(servers[0], repository);
		awaitLogLine(servers[1], first, "line 3");
		servers[0].terminate(Duration.ofSeconds(10));
		assertPassedWithItsWholeLogAndArtifact(servers[1], first);

		servers[0] = server(0, ports, database, secretsKey);
		// Through instance 1, read through instance 0; instance 1 is killed while the job runs.
		long second = submit(servers[1], repository);
		awaitLogLine(servers[0], second, "line 3");
		java.time.Instant crashedAt = java.time.Instant.now();
		servers[1].crash();
		assertPassedWithItsWholeLogAndArtifact(servers[0], second);

		assertThat(db(servers[0]).get("/api/runs/" + first).json().get("jobs").get(0).get("attempt").asInt())
			.as("the SIGTERM cost no attempt").isEqualTo(1);
		assertThat(db(servers[0]).get("/api/runs/" + second).json().get("jobs").get(0).get("attempt").asInt())
			.as("the kill -9 of a server (not of the agent) cost no attempt").isEqualTo(1);
		assertEachTimedFiringRanOnce(crashedAt);
	}

	private void assertPassedWithItsWholeLogAndArtifact(ServerProcess server, long run) {
		JsonNode job = Eventually.await(WAIT, "run " + run + " to pass",
				() -> db(server).get("/api/runs/" + run).json().get("jobs").get(0),
				j -> !List.of("queued", "assigned", "running").contains(j.get("state").asString()));
		assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("passed");
		long jobId = job.get("id").asLong();
		String log = db(server).get("/api/jobs/" + jobId + "/log").body();
		for (int i = 1; i <= 30; i++) {
			assertThat(log).as("line " + i + " of " + log).contains("line " + i + "\n");
		}
		JsonNode artifacts = db(server).get("/api/jobs/" + jobId + "/artifacts").json();
		assertThat(artifacts.size()).isEqualTo(1);
		assertThat(db(server).get("/api/jobs/" + jobId + "/artifacts/" + artifacts.get(0).get("id").asLong()).body())
			.isEqualTo("built\n");
	}

	/**
	 * No firing (a job and the time it was scheduled for) ran twice, though two instances were up at once. Firings
	 * from shortly before the {@code kill -9} on are left out: one in flight on the killed instance may run again
	 * when Quartz's cluster recovery hands it to the survivor (at least once; snplab's timed work is idempotent).
	 */
	private void assertEachTimedFiringRanOnce(java.time.Instant crashedAt) throws Exception {
		Pattern firing = Pattern.compile("Quartz firing (\\S+) scheduled for (\\S+) on instance (\\S+)");
		Set<String> seen = new HashSet<>();
		Set<String> instances = new HashSet<>();
		List<String> twice = new ArrayList<>();
		int firings = 0;
		for (int i = 0; i < 2; i++) {
			Matcher m = firing.matcher(Files.readString(tmp.resolve("server-" + i + ".log")));
			while (m.find()) {
				if (!java.time.Instant.parse(m.group(2)).isBefore(crashedAt.minusSeconds(10))) {
					continue;
				}
				firings++;
				instances.add(m.group(3));
				if (!seen.add(m.group(1) + " " + m.group(2))) {
					twice.add(m.group());
				}
			}
		}
		assertThat(firings).as("timed work fired").isGreaterThan(10);
		assertThat(twice).isEmpty();
		assertThat(instances).as("both instances took firings").hasSizeGreaterThanOrEqualTo(2);
	}

	private long submit(ServerProcess server, TestRepositories repository) {
		HttpApi.Response run = db(server).post("/api/runs", Map.of("repository", repository.url(), "ref", "main"));
		assertThat(run.status()).as(run.body()).isEqualTo(201);
		return run.json().get("id").asLong();
	}

	private void awaitLogLine(ServerProcess server, long run, String line) {
		Eventually.await(WAIT, "'" + line + "' in run " + run + "'s live log", () -> {
			JsonNode job = db(server).get("/api/runs/" + run).json().get("jobs").get(0);
			return db(server).get("/api/jobs/" + job.get("id").asLong() + "/log").body();
		}, log -> log.contains(line + "\n"));
	}

	private static HttpApi db(ServerProcess server) {
		return HttpApi.basic(server.baseUrl(), "admin", ADMIN_PASSWORD);
	}

	private ServerProcess server(int i, int[] ports, String database, String secretsKey) throws Exception {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("spring.datasource.url", database);
		properties.put("snplab.data-dir", tmp.resolve("server-" + i).toString());
		properties.put("snplab.artifacts.dir", tmp.resolve("shared-artifacts").toString());
		properties.put("snplab.agent.registration-token", TOKEN);
		properties.put("snplab.queue.lease-check-interval", "1s");
		properties.put("snplab.github.retry-interval", "1s");
		properties.put("logging.level.org.snplab.QuartzFirings", "debug");
		ServerProcess server = ServerProcess.start(tmp.resolve("server-" + i + ".log"), ports[i], properties,
				Map.of("SNPLAB_ADMIN_PASSWORD", ADMIN_PASSWORD, "SNPLAB_SECRETS_KEY", secretsKey));
		started.add(server);
		return server;
	}

	/** deploy/nginx/snplab.conf with the test's ports and certificate, in nginx's foreground. */
	private int startNginx(int[] ports) throws Exception {
		int tls = ServerProcess.freePort();
		int plain = ServerProcess.freePort();
		Path deploy = Path.of("deploy");
		String site = Files.readString(deploy.resolve("nginx/snplab.conf"))
			.replace("server 127.0.0.1:8080 ", "server 127.0.0.1:" + ports[0] + " ")
			.replace("server 127.0.0.1:8081 ", "server 127.0.0.1:" + ports[1] + " ")
			.replace("/etc/ssl/snplab/fullchain.pem", tmp.resolve("server-chain.pem").toString())
			.replace("/etc/ssl/snplab/privkey.pem", tmp.resolve("server.key").toString())
			.replace("listen 80;", "listen 127.0.0.1:" + plain + ";")
			.replace("listen [::]:80;", "")
			.replace("listen 443 ssl http2;", "listen 127.0.0.1:" + tls + " ssl http2;")
			.replace("listen [::]:443 ssl http2;", "");
		Files.writeString(tmp.resolve("snplab.conf"), site);
		Files.writeString(tmp.resolve("nginx.conf"), """
				user root;
				pid %1$s/nginx.pid;
				error_log %1$s/nginx-error.log;
				events { worker_connections 256; }
				http {
				    include /etc/nginx/mime.types;
				    access_log %1$s/nginx-access.log;
				    client_body_temp_path %1$s/body;
				    proxy_temp_path %1$s/proxy;
				    fastcgi_temp_path %1$s/fastcgi;
				    uwsgi_temp_path %1$s/uwsgi;
				    scgi_temp_path %1$s/scgi;
				    include %1$s/snplab.conf;
				}
				""".formatted(tmp));
		nginx = new ProcessBuilder("nginx", "-p", tmp.toString(), "-c", tmp.resolve("nginx.conf").toString(), "-g",
				"daemon off;")
			.redirectErrorStream(true)
			.redirectOutput(tmp.resolve("nginx.out").toFile())
			.start();
		Eventually.await(Duration.ofSeconds(20), "nginx listening on " + tls, () -> {
			try (java.net.Socket socket = new java.net.Socket("127.0.0.1", tls)) {
				return true;
			}
			catch (java.io.IOException ex) {
				return false;
			}
		}, up -> up);
		return tls;
	}

	private void makeCertificates() throws Exception {
		openssl("req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 2"
				+ " -subj /CN=lab-ca -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign");
		openssl("req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr -subj /CN=snplab");
		Files.writeString(tmp.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
		openssl("x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext"
				+ " -out server.pem");
		Files.writeString(tmp.resolve("server-chain.pem"),
				Files.readString(tmp.resolve("server.pem")) + Files.readString(tmp.resolve("ca.pem")));
	}

	private void openssl(String arguments) throws Exception {
		List<String> command = new ArrayList<>(List.of("openssl"));
		command.addAll(List.of(arguments.split(" ")));
		Process process = new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0).as(output).isTrue();
	}
}
