package org.snplab.power;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * IPMI over LAN through Debian's {@code ipmitool -I lanplus}, as LAVA and Beaker do. The password goes through the
 * environment ({@code -E} reads {@code IPMI_PASSWORD}), never the command line, which every user of the server can
 * read in {@code ps}.
 */
final class IpmiDriver implements PowerDriver {

	private final PowerSettings.Ipmi settings;

	private final String password;

	private final Duration timeout;

	IpmiDriver(PowerSettings.Ipmi settings, String password, Duration timeout) {
		this.settings = settings;
		this.password = password;
		this.timeout = timeout;
	}

	@Override
	public Reading status() throws PowerFailure {
		String answer = ipmitool("status");
		// "Chassis Power is on" / "Chassis Power is off"; ipmitool may print warnings on lines before it.
		String last = answer.lines().filter(line -> line.startsWith("Chassis Power is ")).reduce((a, b) -> b).orElse("");
		if (last.endsWith(" on")) {
			return new Reading(true, last);
		}
		if (last.endsWith(" off")) {
			return new Reading(false, last);
		}
		throw new PowerFailure("ipmitool's answer names no power state: " + answer);
	}

	@Override
	public String request(PowerAction action) throws PowerFailure {
		return ipmitool(action.word());
	}

	private String ipmitool(String command) throws PowerFailure {
		List<String> arguments = new ArrayList<>(List.of("ipmitool", "-I", "lanplus", "-H", settings.address(), "-p",
				Integer.toString(settings.port()), "-U", settings.user(), "-E"));
		if (settings.cipherSuite() != null) {
			arguments.addAll(List.of("-C", settings.cipherSuite().toString()));
		}
		arguments.addAll(List.of("chassis", "power", command));
		Commands.Result result = Commands.run(arguments, Map.of("IPMI_PASSWORD", password), timeout);
		if (result.exitCode() != 0) {
			throw new PowerFailure("ipmitool chassis power " + command + " exited " + result.exitCode() + ": "
					+ result.output());
		}
		return result.output();
	}
}
