package org.snplab.queue;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.git.CloneUrls;
import org.snplab.secrets.SecretEncryptor;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A run's clone URL with its credential kept apart: {@code run.repository} holds the URL without it (what pages, the
 * API, filters and fair share see), {@code run.clone_url_secret} the whole URL encrypted ({@link SecretEncryptor}),
 * given back only to the agent that takes one of the run's jobs, and to a retry of the run. At start, runs written
 * before the split are split (safe to repeat, and on several instances at once).
 */
@Component
class RunCloneUrls implements ApplicationRunner {

	private static final Logger log = LoggerFactory.getLogger(RunCloneUrls.class);

	private final JdbcClient db;

	private final SecretEncryptor encryptor;

	RunCloneUrls(JdbcClient db, SecretEncryptor encryptor) {
		this.db = db;
		this.encryptor = encryptor;
	}

	/** What {@code run.clone_url_secret} keeps for that clone URL: null when it carries no credential. */
	String secretOf(String cloneUrl) {
		return CloneUrls.hasCredentials(cloneUrl) ? encryptor.encrypt(cloneUrl) : null;
	}

	/**
	 * The URL to fetch run {@code runId} from. A secret this server's key can't read (the key changed or was lost)
	 * leaves the URL without its credential: a private repository's fetch then fails and says so.
	 */
	String of(long runId, String repository, String secret) {
		if (secret == null) {
			return repository;
		}
		try {
			return encryptor.decrypt(secret);
		}
		catch (SecretEncryptor.UnreadableSecretException ex) {
			log.warn("Run {}: the credential of its clone URL {} {}; fetching without it", runId, repository,
					ex.getMessage());
			return repository;
		}
	}

	@Override
	public void run(ApplicationArguments args) {
		int split = splitStoredCredentials();
		if (split > 0) {
			log.info("Encrypted the clone-URL credentials of {} run(s) kept in plain text before", split);
		}
	}

	/** @return how many runs had their clone URL's credential moved into {@code clone_url_secret} */
	int splitStoredCredentials() {
		List<String> urls = db.sql("select distinct repository from run where repository like '%@%'")
			.query(String.class)
			.list()
			.stream()
			.filter(CloneUrls::hasCredentials)
			.toList();
		int split = 0;
		for (String url : urls) {
			String stripped = CloneUrls.withoutCredentials(url);
			split += db.sql("update run set repository = ?, clone_url_secret = ? where repository = ?")
				.params(stripped, encryptor.encrypt(url), url)
				.update();
			db.sql("update job set repository = ? where repository = ?").params(stripped, url).update();
		}
		return split;
	}
}
