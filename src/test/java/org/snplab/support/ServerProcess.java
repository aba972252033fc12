package org.snplab.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The snplab server as a real child process (java -cp ... SnplabApplication), for tests that kill or restart it.
 */
public final class ServerProcess implements AutoCloseable {

	private final Process process;

	private final int port;

	private final Path log;

	private ServerProcess(Process process, int port, Path log) {
		this.process = process;
		this.port = port;
		this.log = log;
	}

	/** Starts a server and waits until it answers; {@code properties} become {@code --key=value} arguments. */
	public static ServerProcess start(Path log, Map<String, String> properties, Map<String, String> environment)
			throws IOException, InterruptedException {
		return start(log, freePort(), properties, environment);
	}

	public static ServerProcess start(Path log, int port, Map<String, String> properties, Map<String, String> environment)
			throws IOException, InterruptedException {
		// The class path in an argument file: a command line as short as `java -jar snplab.jar`'s, which the server
		// started as root reads to re-run itself in a user namespace (a long one can't be read back from /proc).
		Path classPath = Files.createTempFile("snplab-classpath", ".args");
		Files.writeString(classPath, "-cp \"" + System.getProperty("java.class.path") + "\"\n");
		List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx512m", "-XX:TieredStopAtLevel=1",
				TestTemp.javaOption(), "@" + classPath, "org.snplab.SnplabApplication", "--server.port=" + port));
		properties.forEach((key, value) -> command.add("--" + key + "=" + value));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
		builder.environment().putAll(environment);
		ServerProcess server = new ServerProcess(builder.start(), port, log);
		server.awaitHealthy(Duration.ofSeconds(120));
		return server;
	}

	public String baseUrl() {
		return "http://127.0.0.1:" + port;
	}

	/** The pid of the process started (as root, the server serving runs in a child of it). */
	public long pid() {
		return process.pid();
	}

	public int port() {
		return port;
	}

	/** {@code kill -9} of the server and any process it started itself (not daemons like the postmaster). */
	public void crash() throws InterruptedException {
		process.descendants().forEach(ProcessHandle::destroyForcibly);
		process.destroyForcibly();
		process.waitFor();
	}

	/** {@code kill -9} of the started process alone, as a user's {@code kill -9 PID} would: what it started must go too. */
	public void killStartedProcess() throws InterruptedException {
		process.destroyForcibly();
		process.waitFor();
	}

	/** SIGTERM, as systemd stops a service; waits for the exit and returns its code. */
	public int terminate(Duration within) throws InterruptedException {
		process.destroy();
		if (!process.waitFor(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
			throw new AssertionError("the server did not exit within " + within + " of SIGTERM; see " + log);
		}
		return process.exitValue();
	}

	/** Whether anything still answers on this server's port. */
	public boolean answers() {
		try (java.net.Socket socket = new java.net.Socket()) {
			socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Override
	public void close() throws InterruptedException {
		if (process.isAlive()) {
			process.destroy();
			if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
				crash();
			}
		}
	}

	private void awaitHealthy(Duration timeout) throws InterruptedException, IOException {
		HttpClient client = HttpClient.newHttpClient();
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new IllegalStateException("server exited with " + process.exitValue() + "; see " + log);
			}
			try {
				HttpResponse<String> response = client.send(
						HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health")).timeout(Duration.ofSeconds(2)).build(),
						HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not up yet
			}
			Thread.sleep(250);
		}
		throw new IllegalStateException("server did not become healthy within " + timeout + "; see " + log);
	}

	static String javaBinary() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	public static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}
}
