package org.snplab.agent.api;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.protocol.AgentProtocol.RegisterRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The agent's TLS against a real TLS server (the JDK's HTTPS server) with certificates made by openssl for the test:
 * a lab CA trusted with --ca-cert, mutual TLS, and each way the connection can fail named in words.
 */
class AgentTlsIntegrationTests {

	@TempDir
	static Path certs;

	private final List<HttpsServer> servers = new ArrayList<>();

	@BeforeAll
	static void makeCertificates() throws Exception {
		String ec = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
		openssl("req -x509 " + ec + " -keyout ca.key -out ca.pem -days 30 -subj /CN=lab-ca"
				+ " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign");
		openssl("req -x509 " + ec + " -keyout other-ca.key -out other-ca.pem -days 30 -subj /CN=other-ca"
				+ " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign");
		Files.writeString(certs.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
		Files.writeString(certs.resolve("wrong.ext"), "subjectAltName=DNS:snplab.elsewhere.example\n");
		Files.writeString(certs.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
		signed("server", "ca", "server.ext", 30);
		signed("wrong-name", "ca", "wrong.ext", 30);
		signed("expired", "ca", "server.ext", -1);
		signed("client", "ca", "client.ext", 30);
		signed("stranger", "other-ca", "client.ext", 30);
	}

	@AfterEach
	void stopServers() {
		servers.forEach(server -> server.stop(0));
	}

	@Test
	void aServerSignedByTheLabsCaIsTrustedWithCaCertAndRefusedWithoutIt() throws Exception {
		URI server = serve("server", false);

		assertThat(register(server, new AgentTls(certs.resolve("ca.pem"), null, null, false))).isTrue();
		assertThatThrownBy(() -> register(server, AgentTls.SYSTEM)).isInstanceOf(IOException.class)
			.hasMessageStartingWith("POST /api/agent/register to " + server + " failed: ")
			.hasMessageContaining("the server's TLS certificate is not trusted")
			.hasMessageContaining("--ca-cert");
	}

	@Test
	void aCertificateForAnotherNameOrAnExpiredOneIsNamedAsSuch() throws Exception {
		AgentTls lab = new AgentTls(certs.resolve("ca.pem"), null, null, false);

		assertThatThrownBy(() -> register(serve("wrong-name", false), lab))
			.hasMessageContaining("the server's TLS certificate is for another name than 127.0.0.1");
		assertThatThrownBy(() -> register(serve("expired", false), lab))
			.hasMessageContaining("the server's TLS certificate has expired");
	}

	@Test
	void mutualTlsAcceptsTheLabsClientCertificateAndRefusesNoneOrAStrangersOne() throws Exception {
		URI server = serve("server", true);
		Path ca = certs.resolve("ca.pem");

		assertThat(register(server, new AgentTls(ca, certs.resolve("client.pem"), certs.resolve("client.key"), false))).isTrue();
		assertThatThrownBy(() -> register(server, new AgentTls(ca, null, null, false)))
			.hasMessageContaining("refused this host's TLS client certificate, or wants one (--client-cert, --client-key)");
		assertThatThrownBy(() -> register(server, new AgentTls(ca, certs.resolve("stranger.pem"),
				certs.resolve("stranger.key"), false)))
			.hasMessageContaining("may have refused this host's TLS client certificate");
	}

	@Test
	void refusedConnectionsUnknownHostsAndPlainHttpElsewhereAreNamed() throws Exception {
		int closed;
		try (ServerSocket socket = new ServerSocket(0)) {
			closed = socket.getLocalPort();
		}
		assertThatThrownBy(() -> register(URI.create("https://127.0.0.1:" + closed), AgentTls.SYSTEM))
			.hasMessageContaining("connection refused by 127.0.0.1:" + closed).hasMessageNotContaining("null");
		assertThatThrownBy(() -> register(URI.create("https://no-such-host.invalid"), AgentTls.SYSTEM))
			.hasMessageContaining("unknown host no-such-host.invalid");

		assertThatThrownBy(() -> new AgentApi(URI.create("http://192.0.2.10:8080"), "t", AgentTls.SYSTEM))
			.isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plain http to another machine")
			.hasMessageContaining("--insecure-http");
		new AgentApi(URI.create("http://192.0.2.10:8080"), "t", new AgentTls(null, null, null, true));
		new AgentApi(URI.create("http://127.0.0.1:8080"), "t", AgentTls.SYSTEM);
		new AgentApi(URI.create("http://localhost:8080"), "t", AgentTls.SYSTEM);
	}

	@Test
	void unusableTlsFilesAreRefusedNamingTheOption() throws IOException {
		Path notPem = Files.writeString(certs.resolve("not.pem"), "hello\n");

		assertThatThrownBy(() -> new AgentTls(notPem, null, null, false).configure(java.net.http.HttpClient.newBuilder()))
			.hasMessageContaining("--ca-cert " + notPem);
		assertThatThrownBy(() -> new AgentTls(null, certs.resolve("client.pem"), certs.resolve("client.pem"), false)
			.configure(java.net.http.HttpClient.newBuilder())).hasMessageContaining("--client-key")
			.hasMessageContaining("PKCS#8");
		assertThatThrownBy(() -> new AgentTls(null, certs.resolve("client.pem"), null, false))
			.hasMessageContaining("--client-cert and --client-key go together");
	}

	private static boolean register(URI server, AgentTls tls) throws IOException, InterruptedException {
		return new AgentApi(server, "registration-token", tls)
			.register(new RegisterRequest("milan-1", 1, Map.of(), Map.of())).hostId() == 7;
	}

	/** An HTTPS server on 127.0.0.1 with that certificate, answering as a registration does; optionally wanting a lab client cert. */
	private URI serve(String certificate, boolean clientAuth) throws Exception {
		HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		SSLContext context = SSLContext.getInstance("TLS");
		KeyStore keys = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(certs.resolve(certificate + ".p12"))) {
			keys.load(in, "test".toCharArray());
		}
		KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keyManagers.init(keys, "test".toCharArray());
		KeyStore trusted = KeyStore.getInstance("PKCS12");
		trusted.load(null, null);
		trusted.setCertificateEntry("lab-ca", java.security.cert.CertificateFactory.getInstance("X.509")
			.generateCertificate(Files.newInputStream(certs.resolve("ca.pem"))));
		TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trustManagers.init(trusted);
		context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
		server.setHttpsConfigurator(new HttpsConfigurator(context) {
			@Override
			public void configure(HttpsParameters params) {
				SSLParameters parameters = context.getDefaultSSLParameters();
				parameters.setNeedClientAuth(clientAuth);
				params.setSSLParameters(parameters);
			}
		});
		server.createContext("/", exchange -> {
			byte[] body = "{\"hostId\": 7, \"credential\": \"c\", \"heartbeatSeconds\": 5}".getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		server.start();
		servers.add(server);
		return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
	}

	private static void signed(String name, String ca, String extensions, int days) throws Exception {
		openssl("req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + name + ".key -out " + name + ".csr"
				+ " -subj /CN=" + name);
		openssl("x509 -req -in " + name + ".csr -CA " + ca + ".pem -CAkey " + ca + ".key -CAcreateserial -days " + days
				+ " -extfile " + extensions + " -out " + name + ".pem");
		openssl("pkcs12 -export -inkey " + name + ".key -in " + name + ".pem -certfile " + ca + ".pem -out " + name
				+ ".p12 -passout pass:test");
	}

	private static void openssl(String arguments) throws Exception {
		List<String> command = new ArrayList<>(List.of("openssl"));
		command.addAll(List.of(arguments.split(" ")));
		Process process = new ProcessBuilder(command).directory(certs.toFile()).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
			throw new IllegalStateException("openssl " + arguments + " failed: " + output);
		}
	}
}
