package org.snplab.power;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Redfish over HTTPS with {@code java.net.http}: the system's {@code PowerState}, and
 * {@code ComputerSystem.Reset} with {@code ResetType} {@code On}, {@code ForceOff} or {@code PowerCycle}; basic auth,
 * and the BMC's certificate checked against the settings' CA (BMCs mostly have self-signed ones), else the JDK's.
 */
final class RedfishDriver implements PowerDriver {

	private final PowerSettings.Redfish settings;

	private final String authorization;

	private final Duration timeout;

	private final JsonMapper json;

	private final HttpClient client;

	RedfishDriver(PowerSettings.Redfish settings, String password, Duration timeout, JsonMapper json) {
		this.settings = settings;
		this.authorization = "Basic " + Base64.getEncoder()
			.encodeToString((settings.user() + ":" + password).getBytes(StandardCharsets.UTF_8));
		this.timeout = timeout;
		this.json = json;
		HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout);
		if (settings.caCert() != null) {
			builder.sslContext(trusting(settings.caCert()));
		}
		this.client = builder.build();
	}

	@Override
	public Reading status() throws PowerFailure {
		JsonNode system = system();
		String state = system.path("PowerState").asString("");
		return switch (state) {
			case "On", "PoweringOff" -> new Reading(true, "PowerState " + state);
			case "Off", "PoweringOn" -> new Reading(false, "PowerState " + state);
			default -> throw new PowerFailure("the Redfish system has no PowerState On or Off: '" + state + "'");
		};
	}

	@Override
	public String request(PowerAction action) throws PowerFailure {
		String resetType = switch (action) {
			case ON -> "On";
			case OFF -> "ForceOff";
			case CYCLE -> "PowerCycle";
			case STATUS -> throw new IllegalArgumentException("status is not a reset");
		};
		String target = system().path("Actions").path("#ComputerSystem.Reset").path("target").asString(null);
		URI uri = target == null ? URI.create(settings.url().replaceAll("/+$", "") + "/Actions/ComputerSystem.Reset")
				: URI.create(settings.url()).resolve(target);
		HttpResponse<String> response = send(HttpRequest.newBuilder(uri)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"ResetType\": \"" + resetType + "\"}")));
		return "ResetType " + resetType + ": HTTP " + response.statusCode()
				+ (response.body().isBlank() ? "" : " " + response.body().strip());
	}

	private JsonNode system() throws PowerFailure {
		HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(settings.url())).GET());
		try {
			return json.readTree(response.body());
		}
		catch (JacksonException ex) {
			throw new PowerFailure("the Redfish system at " + settings.url() + " is not JSON: " + ex.getOriginalMessage());
		}
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws PowerFailure {
		try {
			HttpResponse<String> response = client.send(request.header("Authorization", authorization)
				.header("Accept", "application/json")
				.timeout(timeout)
				.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() / 100 != 2) {
				throw new PowerFailure(request.build().method() + " " + request.build().uri() + ": HTTP "
						+ response.statusCode() + " " + response.body().strip());
			}
			return response;
		}
		catch (IOException ex) {
			throw new PowerFailure("Redfish at " + settings.url() + " unreachable: " + ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new PowerFailure("interrupted while calling Redfish at " + settings.url());
		}
	}

	/** Certificates of a PEM text; {@link PowerSettings} has checked it parses. */
	static Collection<? extends Certificate> certificates(String pem) throws GeneralSecurityException {
		Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
			.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
		if (certificates.isEmpty()) {
			throw new GeneralSecurityException("no certificate in it");
		}
		return certificates;
	}

	private static SSLContext trusting(String pem) {
		try {
			KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
			trusted.load(null, null);
			int i = 0;
			for (Certificate certificate : certificates(pem)) {
				trusted.setCertificateEntry("ca-" + i++, certificate);
			}
			TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trust.init(trusted);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, trust.getTrustManagers(), null);
			return context;
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException("the stored ca-cert can't be used: " + ex.getMessage(), ex);
		}
	}
}
