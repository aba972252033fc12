package org.snplab.agent.worker;

/** Why a job's steps were stopped before they were done; the text is what the finish reason says. */
public enum CancelReason {

	/** The server asked for it in a job heartbeat answer. */
	CANCELED("canceled"),
	/** The agent is shutting down (SIGTERM). */
	AGENT_STOPPED("agent stopped"),
	/** The server answered 409: the attempt belongs to someone else now, so it is never finished by us. */
	LEASE_LOST("lease lost");

	private final String text;

	CancelReason(String text) {
		this.text = text;
	}

	public String text() {
		return text;
	}
}
