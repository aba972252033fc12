package org.snplab;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything under {@code snplab.*} in application.yml.
 *
 * @param dataDir where the embedded database, git mirrors and artifacts live
 * @param baseUrl how maintainers reach this server; links in commit statuses point here
 * @param secretsKey encrypts the secrets kept in the database: 32 random bytes in base64; unset, one is generated
 * into {@code <dataDir>/secrets.key} at the first start (see {@code secrets.SecretsKey})
 */
@ConfigurationProperties("snplab")
public record SnplabProperties(@DefaultValue("./data") Path dataDir, @DefaultValue("http://localhost:8080") String baseUrl,
		String secretsKey, @DefaultValue Agent agent, @DefaultValue Queue queue, @DefaultValue Logs logs, @DefaultValue Artifacts artifacts) {

	/** Never the secrets key: configuration objects end up in logs and error messages. */
	@Override
	public String toString() {
		return "SnplabProperties[dataDir=" + dataDir + ", baseUrl=" + baseUrl + ", secretsKey="
				+ (secretsKey == null || secretsKey.isBlank() ? "unset" : "(set)") + ", agent=" + agent + ", queue="
				+ queue + ", logs=" + logs + ", artifacts=" + artifacts + "]";
	}

	/**
	 * @param registrationToken shared secret a new agent presents once to get its own credential; unset, one is
	 * generated at the first start and printed once (see {@code hosts.RegistrationToken})
	 * @param autoEnable whether newly registered hosts take work at once (otherwise an admin enables them)
	 */
	public record Agent(String registrationToken, @DefaultValue("true") boolean autoEnable) {

		/** Never the token: configuration objects end up in logs and error messages. */
		@Override
		public String toString() {
			return "Agent[registrationToken=" + (registrationToken == null ? "unset" : "(set)") + ", autoEnable="
					+ autoEnable + "]";
		}
	}

	/**
	 * @param lease how long a claimed job stays an agent's without a heartbeat
	 * @param heartbeat how often agents heartbeat a running job (well under the lease)
	 * @param maxAttempts attempts of a job lost to infrastructure (never for test failures)
	 * @param leaseCheckInterval how often expired leases are looked for
	 * @param hostOfflineAfter a host silent this long is shown offline
	 * @param pollSweep how often parked agent polls look for work without being woken (a safety net: queued jobs
	 * wake them through PostgreSQL NOTIFY at once)
	 * @param quarantineAfter a host whose last this many attempts ended in infra_error is quarantined (0: never)
	 */
	public record Queue(@DefaultValue("60s") Duration lease, @DefaultValue("5s") Duration heartbeat,
			@DefaultValue("3") int maxAttempts, @DefaultValue("5s") Duration leaseCheckInterval,
			@DefaultValue("60s") Duration hostOfflineAfter, @DefaultValue("10s") Duration pollSweep,
			@DefaultValue("3") int quarantineAfter) {
	}

	public record Logs(@DefaultValue("67108864") long maxBytesPerJob) {
	}

	/**
	 * @param dir where uploaded artifacts and JUnit files are kept; unset: {@code <data-dir>/artifacts}. Server
	 * instances sharing a database must share this directory (e.g. an NFS mount): each checks it at start.
	 */
	public record Artifacts(@DefaultValue("104857600") long maxFileBytes, @DefaultValue("1073741824") long maxJobBytes,
			Path dir) {
	}

	/** Where uploaded files are kept: {@code snplab.artifacts.dir}, else {@code <data-dir>/artifacts}. */
	public Path artifactsDir() {
		return artifacts.dir() != null ? artifacts.dir() : dataDir.resolve("artifacts");
	}
}
