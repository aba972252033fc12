package org.snplab.hosts;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.SnplabProperties;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The shared secret an agent presents once to register: {@code snplab.agent.registration-token}
 * ({@code SNPLAB_REGISTRATION_TOKEN}); without it, one is generated at the first start and printed once, and only its
 * SHA-256 is kept (table {@code server_setting}), so every server instance on the database accepts it and a
 * database dump doesn't give it away. There is no default a forgotten setting would leave open.
 */
@Component
class RegistrationToken implements ApplicationRunner {

	static final String SETTING = "agent_registration_token_sha256";

	private static final Logger log = LoggerFactory.getLogger(RegistrationToken.class);

	private static final Set<String> THIS_MACHINE = Set.of("localhost", "127.0.0.1", "[::1]");

	private final JdbcClient db;

	private final SnplabProperties properties;

	private final Environment environment;

	private volatile String generatedHash;

	RegistrationToken(JdbcClient db, SnplabProperties properties, Environment environment) {
		this.db = db;
		this.properties = properties;
		this.environment = environment;
	}

	/** Generates and prints the token at the first start, when none is configured. */
	@Override
	public void run(ApplicationArguments args) {
		if (configured().isPresent() || storedHash().isPresent()) {
			return;
		}
		String token = HostCredentials.newCredential();
		boolean stored = db.sql("insert into server_setting (name, value) values (?, ?) on conflict (name) do nothing")
			.params(SETTING, HostCredentials.sha256(token))
			.update() > 0;
		if (stored) { // else another server instance generated one at the same moment and printed it
			log.warn("\n\n    snplab agent registration token (shown once; set SNPLAB_REGISTRATION_TOKEN to choose one): {}\n"
					+ "    start an agent with (or install one as a service: deploy/agent/install.sh, see deploy/README.md):\n"
					+ "      {}\n", token, agentCommand(token, agentServerUrl(properties.baseUrl(),
							environment.getProperty("local.server.port", Integer.class))));
		}
	}

	/** The README's agent command line: the token in the environment, not argv (ps shows argv to every user). */
	static String agentCommand(String token, String serverUrl) {
		return "SNPLAB_REGISTRATION_TOKEN=" + token + " java -jar snplab.jar agent --server " + serverUrl
				+ " --work-dir /var/lib/snplab-agent";
	}

	/**
	 * The URL to give agents: the base URL, but with the port the server really listens on when the base URL names
	 * this machine (the default {@code http://localhost:8080}, under {@code --server.port=9090}); a public base URL
	 * (behind nginx) is kept as it is.
	 */
	static String agentServerUrl(String baseUrl, Integer localPort) {
		URI uri = URI.create(baseUrl);
		if (localPort == null || uri.getHost() == null || !THIS_MACHINE.contains(uri.getHost())) {
			return baseUrl;
		}
		return uri.getScheme() + "://" + uri.getHost() + ":" + localPort;
	}

	/** Whether an agent presented the token, compared in constant time. */
	boolean matches(String presented) {
		if (presented == null || presented.isEmpty()) {
			return false;
		}
		Optional<String> configured = configured();
		if (configured.isPresent()) {
			return MessageDigest.isEqual(configured.get().getBytes(StandardCharsets.UTF_8),
					presented.getBytes(StandardCharsets.UTF_8));
		}
		return storedHash().map(hash -> MessageDigest.isEqual(hash.getBytes(StandardCharsets.US_ASCII),
				HostCredentials.sha256(presented).getBytes(StandardCharsets.US_ASCII)))
			.orElse(false);
	}

	private Optional<String> configured() {
		String token = properties.agent().registrationToken();
		return token == null || token.isBlank() ? Optional.empty() : Optional.of(token);
	}

	private Optional<String> storedHash() {
		if (generatedHash == null) {
			generatedHash = db.sql("select value from server_setting where name = ?")
				.param(SETTING)
				.query(String.class)
				.optional()
				.orElse(null);
		}
		return Optional.ofNullable(generatedHash);
	}
}
