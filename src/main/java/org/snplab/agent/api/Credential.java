package org.snplab.agent.api;

/** What the agent keeps in WORK_DIR/credential.json: the server it registered with, its host id and credential. */
public record Credential(String server, long hostId, String credential) {
}
