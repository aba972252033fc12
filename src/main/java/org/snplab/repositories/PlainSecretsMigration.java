package org.snplab.repositories;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.secrets.SecretEncryptor;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * At every start, encrypts the webhook secrets, tokens and clone URLs (which may carry a credential) that
 * {@code github_repository} rows written before snplab encrypted them still hold as plain text (Flyway's migrations run before the key is known, so this is a step of its
 * own). Safe to repeat and to run on several instances at once: a value is replaced only while it still is the plain
 * text read. Until then {@link SecretEncryptor} reads plain text as it is, so nothing stops working meanwhile.
 */
@Component
class PlainSecretsMigration implements ApplicationRunner {

	private static final Logger log = LoggerFactory.getLogger(PlainSecretsMigration.class);

	private final JdbcClient db;

	private final SecretEncryptor encryptor;

	private final Repositories repositories;

	PlainSecretsMigration(JdbcClient db, SecretEncryptor encryptor, Repositories repositories) {
		this.db = db;
		this.encryptor = encryptor;
		this.repositories = repositories;
	}

	@Override
	public void run(ApplicationArguments args) {
		int encrypted = encryptPlainSecrets();
		if (encrypted > 0) {
			log.info("Encrypted {} plain-text webhook secret(s), token(s) and clone URL(s) of repositories in the database",
					encrypted);
		}
		// Reading them all now logs any secret this key can't decrypt at start, not at the first webhook.
		repositories.entries();
	}

	/** @return how many values were encrypted */
	int encryptPlainSecrets() {
		int encrypted = 0;
		for (String column : List.of("webhook_secret", "token", "clone_url")) {
			List<Stored> plain = db.sql("select name, " + column + " from github_repository where " + column + " is not null")
				.query((rs, i) -> new Stored(rs.getString(1), rs.getString(2)))
				.list()
				.stream()
				.filter(stored -> !SecretEncryptor.isEncrypted(stored.value()))
				.toList();
			for (Stored stored : plain) {
				encrypted += db.sql("update github_repository set " + column + " = ? where name = ? and " + column + " = ?")
					.params(encryptor.encrypt(stored.value()), stored.name(), stored.value())
					.update();
			}
		}
		repositories.invalidate();
		return encrypted;
	}

	private record Stored(String name, String value) {
	}
}
