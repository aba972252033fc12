package org.snplab.power;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A program of the admins' for PDUs and anything else, like Beaker's power scripts: run with
 * {@code SNPLAB_POWER_ACTION} ({@code status|on|off|cycle}) and {@code SNPLAB_HOST} (the host's name) in its
 * environment; for {@code status} it prints {@code on} or {@code off}; a non-zero exit is a failure with its output.
 */
final class CommandDriver implements PowerDriver {

	private final List<String> command;

	private final String hostName;

	private final Duration timeout;

	CommandDriver(PowerSettings.Command settings, String hostName, Duration timeout) {
		this.command = Arrays.asList(settings.command().strip().split("\\s+"));
		this.hostName = hostName;
		this.timeout = timeout;
	}

	@Override
	public Reading status() throws PowerFailure {
		String answer = run(PowerAction.STATUS);
		String last = answer.lines().reduce((a, b) -> b).orElse("").strip();
		if (last.equals("on") || last.equals("off")) {
			return new Reading(last.equals("on"), answer);
		}
		throw new PowerFailure(command.get(0) + " status printed neither 'on' nor 'off': " + answer);
	}

	@Override
	public String request(PowerAction action) throws PowerFailure {
		return run(action);
	}

	private String run(PowerAction action) throws PowerFailure {
		Commands.Result result = Commands.run(command,
				Map.of("SNPLAB_POWER_ACTION", action.word(), "SNPLAB_HOST", hostName), timeout);
		if (result.exitCode() != 0) {
			throw new PowerFailure(command.get(0) + " " + action.word() + " exited " + result.exitCode() + ": "
					+ result.output());
		}
		return result.output();
	}
}
