package org.snplab.agent;

/**
 * Command line of the agent role: {@code snplab.jar agent --server URL --token TOKEN ...}.
 */
public final class AgentCommand {

	private AgentCommand() {
	}

	public static int run(String[] args) {
		System.err.println("agent: not implemented yet");
		return 2;
	}
}
