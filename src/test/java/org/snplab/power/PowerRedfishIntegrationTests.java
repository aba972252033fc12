package org.snplab.power;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.snplab.support.HttpApi;
import org.snplab.support.PowerIntegrationTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redfish driver against a local HTTPS server answering as a BMC does in DMTF's mockups
 * ({@code /redfish/v1/Systems/1}, its {@code PowerState} and {@code Actions/ComputerSystem.Reset}), with basic auth
 * and a self-signed certificate made for the test with keytool.
 */
class PowerRedfishIntegrationTests extends PowerIntegrationTest {

	static final JsonMapper JSON = JsonMapper.builder().build();

	HttpsServer bmc;

	String caCert;

	volatile String powerState = "Off";

	final List<String> resets = new CopyOnWriteArrayList<>();

	long host;

	@BeforeEach
	void redfishBmc() throws Exception {
		Path dir = Files.createTempDirectory("snplab-redfish");
		Path keystore = dir.resolve("bmc.p12");
		keytool("-genkeypair", "-alias", "bmc", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
				"-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-keystore", keystore.toString(), "-storetype", "PKCS12",
				"-storepass", "changeit");
		caCert = keytool("-exportcert", "-rfc", "-alias", "bmc", "-keystore", keystore.toString(), "-storepass", "changeit");
		KeyStore keys = KeyStore.getInstance("PKCS12");
		try (InputStream in = new FileInputStream(keystore.toFile())) {
			keys.load(in, "changeit".toCharArray());
		}
		KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keyManagers.init(keys, "changeit".toCharArray());
		SSLContext tls = SSLContext.getInstance("TLS");
		tls.init(keyManagers.getKeyManagers(), null, null);
		bmc = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		bmc.setHttpsConfigurator(new HttpsConfigurator(tls));
		bmc.createContext("/redfish/v1/Systems/1", this::system);
		bmc.start();
		host = registeredHost("redfish-host-1");
	}

	@AfterEach
	void stopBmc() {
		bmc.stop(0);
	}

	@Test
	void powersTheSystemThroughComputerSystemReset() {
		save("calvin", caCert);

		assertThat(action("status").get("state").asString()).isEqualTo("off");
		assertThat(action("on").get("summary").asString()).isEqualTo("power on: done");
		assertThat(action("on").get("summary").asString()).isEqualTo("power on: nothing to do, it is on");
		JsonNode cycled = action("cycle");
		assertThat(cycled.get("answers").get(1).asString()).isEqualTo("ResetType PowerCycle: HTTP 204");
		assertThat(action("off").get("summary").asString()).isEqualTo("power off: done");

		assertThat(resets).containsExactly("On", "PowerCycle", "ForceOff");
		assertThat(powerState).isEqualTo("Off");
	}

	@Test
	void aWrongPasswordIsTheBmcs401() {
		save("wrong", caCert);

		HttpApi.Response answer = admin().post("/api/hosts/" + host + "/power/on", Map.of());

		assertThat(answer.status()).isEqualTo(502);
		assertThat(answer.json().get("summary").asString()).contains("HTTP 401");
		assertThat(resets).isEmpty();
	}

	@Test
	void withoutTheBmcsCaItsCertificateIsRefused() {
		save("calvin", null);

		HttpApi.Response answer = admin().post("/api/hosts/" + host + "/power/status", Map.of());

		assertThat(answer.status()).isEqualTo(502);
		assertThat(answer.json().get("summary").asString()).contains("unreachable").containsIgnoringCase("certif");
	}

	private void save(String password, String ca) {
		Map<String, Object> settings = new java.util.LinkedHashMap<>(Map.of("driver", "redfish", "url",
				"https://127.0.0.1:" + bmc.getAddress().getPort() + "/redfish/v1/Systems/1", "user", "root", "password", password));
		if (ca != null) {
			settings.put("ca-cert", ca);
		}
		HttpApi.Response saved = admin().put("/api/hosts/" + host + "/power", settings);
		assertThat(saved.status()).as(saved.body()).isEqualTo(200);
	}

	private JsonNode action(String action) {
		HttpApi.Response answer = admin().post("/api/hosts/" + host + "/power/" + action, Map.of());
		assertThat(answer.status()).as(answer.body()).isEqualTo(200);
		return answer.json();
	}

	/** The system resource and its reset action, as DMTF's public-rackmount1 mockup has them. */
	private void system(HttpExchange exchange) throws IOException {
		String expected = "Basic " + Base64.getEncoder().encodeToString("root:calvin".getBytes(StandardCharsets.UTF_8));
		if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
			answer(exchange, 401, "{\"error\": {\"code\": \"Base.1.8.InsufficientPrivilege\"}}");
			return;
		}
		String path = exchange.getRequestURI().getPath();
		if (exchange.getRequestMethod().equals("GET") && path.equals("/redfish/v1/Systems/1")) {
			answer(exchange, 200, """
					{"@odata.id": "/redfish/v1/Systems/1", "@odata.type": "#ComputerSystem.v1_13_0.ComputerSystem",
					 "Id": "1", "Name": "WebFrontEnd483", "PowerState": "%s",
					 "Actions": {"#ComputerSystem.Reset": {"target": "/redfish/v1/Systems/1/Actions/ComputerSystem.Reset",
					   "ResetType@Redfish.AllowableValues": ["On", "ForceOff", "GracefulShutdown", "GracefulRestart",
					     "ForceRestart", "Nmi", "ForceOn", "PushPowerButton", "PowerCycle"]}}}
					""".formatted(powerState));
			return;
		}
		if (exchange.getRequestMethod().equals("POST") && path.equals("/redfish/v1/Systems/1/Actions/ComputerSystem.Reset")) {
			String type = JSON.readTree(exchange.getRequestBody().readAllBytes()).path("ResetType").asString();
			resets.add(type);
			powerState = type.equals("ForceOff") ? "Off" : "On";
			answer(exchange, 204, "");
			return;
		}
		answer(exchange, 404, "{}");
	}

	private static void answer(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
		if (bytes.length > 0) {
			exchange.getResponseBody().write(bytes);
		}
		exchange.close();
	}

	private static String keytool(String... arguments) throws IOException, InterruptedException {
		List<String> command = new java.util.ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor()).as(output).isZero();
		return output;
	}
}
