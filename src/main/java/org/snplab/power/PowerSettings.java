package org.snplab.power;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.snplab.InvalidInputException;

/**
 * How to reach one host's power, as admins write it ({@code PUT /api/hosts/{id}/power}); the password is apart,
 * kept encrypted, and never part of these.
 */
public sealed interface PowerSettings {

	/** {@code ipmi}, {@code redfish} or {@code command}. */
	String driver();

	/** The settings as stored (and shown): the JSON fields without the password. */
	Map<String, Object> fields();

	/** Whether the driver needs a password. */
	default boolean needsPassword() {
		return !(this instanceof Command);
	}

	/**
	 * {@code {"driver": "ipmi", "address": "10.0.0.5", "port": 623, "user": "...", "password": "..."}}, optionally
	 * {@code "cipher-suite": 3} (ipmitool's {@code -C}) for a BMC that doesn't answer ipmitool's question for its
	 * cipher suites (each call then waits for a timeout first).
	 */
	record Ipmi(String address, int port, String user, Integer cipherSuite) implements PowerSettings {

		@Override
		public String driver() {
			return "ipmi";
		}

		@Override
		public Map<String, Object> fields() {
			return ordered("driver", driver(), "address", address, "port", port, "user", user, "cipher-suite", cipherSuite);
		}
	}

	/** {@code {"driver": "redfish", "url": "https://bmc/redfish/v1/Systems/1", "user", "password", "ca-cert"}} */
	record Redfish(String url, String user, String caCert) implements PowerSettings {

		@Override
		public String driver() {
			return "redfish";
		}

		@Override
		public Map<String, Object> fields() {
			return ordered("driver", driver(), "url", url, "user", user, "ca-cert", caCert);
		}
	}

	/** {@code {"driver": "command", "command": "/usr/local/bin/pdu-power"}} */
	record Command(String command) implements PowerSettings {

		@Override
		public String driver() {
			return "command";
		}

		@Override
		public Map<String, Object> fields() {
			return ordered("driver", driver(), "command", command);
		}
	}

	/**
	 * Reads and checks settings as sent, password included; what is wrong is a 400 naming the field.
	 *
	 * @return the settings and the password (null when none was sent)
	 */
	static Sent read(Map<String, Object> body) {
		if (body == null) {
			throw new InvalidInputException("power settings: expected a JSON object with a driver field");
		}
		String driver = text(body, "driver", true);
		PowerSettings settings = switch (driver) {
			case "ipmi" -> {
				allow(body, driver, "address", "port", "user", "password", "cipher-suite");
				String address = text(body, "address", true);
				if (!address.matches("[A-Za-z0-9][A-Za-z0-9.:-]{0,252}")) {
					throw new InvalidInputException("address must be a host name or IP address, got '" + address + "'");
				}
				yield new Ipmi(address, port(body), limited(body, "user", 16), cipherSuite(body));
			}
			case "redfish" -> {
				allow(body, driver, "url", "user", "password", "ca-cert");
				yield new Redfish(url(text(body, "url", true)), text(body, "user", true), caCert(text(body, "ca-cert", false)));
			}
			case "command" -> {
				allow(body, driver, "command");
				yield new Command(command(text(body, "command", true)));
			}
			default -> throw new InvalidInputException("driver must be one of ipmi, redfish, command; got '" + driver + "'");
		};
		String password = settings.needsPassword() ? text(body, "password", false) : null;
		if (password != null && (password.isEmpty() || (settings instanceof Ipmi && password.length() > 20))) {
			throw new InvalidInputException("password must be 1-" + (settings instanceof Ipmi ? "20" : "any number of")
					+ " characters" + (settings instanceof Ipmi ? " (IPMI 2.0's limit)" : ""));
		}
		return new Sent(settings, password);
	}

	/** Settings as stored: the fields {@link #fields()} wrote. */
	static PowerSettings stored(Map<String, Object> fields) {
		return read(fields).settings();
	}

	/** What a PUT sent: the settings, and the password or null (then the stored one stays). */
	record Sent(PowerSettings settings, String password) {
	}

	private static void allow(Map<String, Object> body, String driver, String... fields) {
		Set<String> allowed = Set.of(fields);
		for (String key : body.keySet()) {
			if (!key.equals("driver") && !allowed.contains(key)) {
				throw new InvalidInputException("unknown field '" + key + "' for driver " + driver + "; expected "
						+ String.join(", ", List.of(fields)));
			}
		}
	}

	private static String text(Map<String, Object> body, String field, boolean required) {
		Object value = body.get(field);
		if (value == null) {
			if (required) {
				throw new InvalidInputException(field + " is required");
			}
			return null;
		}
		if (!(value instanceof String text)) {
			throw new InvalidInputException(field + " must be a string, got " + value);
		}
		if (required && text.isBlank()) {
			throw new InvalidInputException(field + " must not be empty");
		}
		if (text.indexOf('\0') >= 0) {
			throw new InvalidInputException(field + " must not contain a NUL character");
		}
		return text;
	}

	private static String limited(Map<String, Object> body, String field, int max) {
		String text = text(body, field, true);
		if (text.length() > max) {
			throw new InvalidInputException(field + " must be at most " + max + " characters, got " + text.length());
		}
		return text;
	}

	private static int port(Map<String, Object> body) {
		Object port = body.get("port");
		if (port == null) {
			return 623;
		}
		if (!(port instanceof Integer number) || number < 1 || number > 65535) {
			throw new InvalidInputException("port must be a number from 1 to 65535, got " + port);
		}
		return number;
	}

	private static Integer cipherSuite(Map<String, Object> body) {
		Object suite = body.get("cipher-suite");
		if (suite == null) {
			return null;
		}
		if (!(suite instanceof Integer number) || number < 0 || number > 17) {
			throw new InvalidInputException("cipher-suite must be an IPMI cipher suite number from 0 to 17, got " + suite);
		}
		return number;
	}

	private static String url(String url) {
		try {
			URI uri = new URI(url);
			if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
				throw new InvalidInputException("url must be an https:// URL of the Redfish system, e.g. "
						+ "https://bmc/redfish/v1/Systems/1; got '" + url + "'");
			}
			return url;
		}
		catch (URISyntaxException ex) {
			throw new InvalidInputException("url is not a URL: " + ex.getMessage());
		}
	}

	private static String caCert(String pem) {
		if (pem == null || pem.isBlank()) {
			return null;
		}
		try {
			RedfishDriver.certificates(pem);
			return pem;
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			throw new InvalidInputException("ca-cert is not a PEM certificate: " + ex.getMessage());
		}
	}

	private static String command(String command) {
		String program = command.strip().split("\\s+")[0];
		Path path = Path.of(program);
		if (!path.isAbsolute()) {
			throw new InvalidInputException("command must start with an absolute path, got '" + program + "'");
		}
		if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
			throw new InvalidInputException("command " + program + " is not an executable file on the server");
		}
		return command.strip();
	}

	private static Map<String, Object> ordered(Object... pairs) {
		Map<String, Object> map = new LinkedHashMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			if (pairs[i + 1] != null) {
				map.put((String) pairs[i], pairs[i + 1]);
			}
		}
		return map;
	}
}
