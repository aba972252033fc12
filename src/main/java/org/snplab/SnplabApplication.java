package org.snplab;

import java.util.Arrays;
import java.util.Optional;

import org.snplab.agent.AgentCommand;
import org.snplab.agent.RendezvousCommand;
import org.snplab.ctl.CtlCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * One jar, three roles: {@code snplab.jar} runs the server, {@code snplab.jar agent ...} a host agent,
 * {@code snplab.jar ctl ...} the operators' command line; and {@code snplab.jar rendezvous send|wait ...}, what
 * the agent's {@code snplab-send} and {@code snplab-wait} run for its jobs' steps.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SnplabApplication {

	public static void main(String[] args) throws Exception {
		if (args.length > 0 && args[0].equals("agent")) {
			System.exit(AgentCommand.run(Arrays.copyOfRange(args, 1, args.length)));
		}
		if (args.length > 0 && args[0].equals("rendezvous")) {
			System.exit(RendezvousCommand.run(Arrays.copyOfRange(args, 1, args.length)));
		}
		if (args.length > 0 && args[0].equals("ctl")) {
			System.exit(CtlCommand.run(Arrays.copyOfRange(args, 1, args.length)));
		}
		UserNamespace.stopWithTheParent();
		Optional<Integer> exitCode = UserNamespace.rerunUnprivilegedIfRoot(args);
		if (exitCode.isPresent()) {
			System.exit(exitCode.get());
		}
		SpringApplication.run(SnplabApplication.class, args);
	}
}
