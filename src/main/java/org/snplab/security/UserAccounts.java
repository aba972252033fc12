package org.snplab.security;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

/**
 * Users and their roles, kept in the database with hashed passwords. The {@code admin} user's password comes from
 * {@code SNPLAB_ADMIN_PASSWORD}; without it one is generated at first start and printed once.
 */
@Service
class UserAccounts implements UserDetailsService, ApplicationRunner {

	private static final Logger log = LoggerFactory.getLogger(UserAccounts.class);

	private final JdbcClient db;

	private final PasswordEncoder encoder;

	private final Environment environment;

	private final AccessProperties access;

	UserAccounts(JdbcClient db, PasswordEncoder encoder, Environment environment, AccessProperties access) {
		this.db = db;
		this.encoder = encoder;
		this.environment = environment;
		this.access = access;
	}

	@Override
	public UserDetails loadUserByUsername(String name) {
		List<UserDetails> users = db.sql("select name, password_hash, role from app_user where name = ?")
			.param(name)
			.query((rs, i) -> User.withUsername(rs.getString(1))
				.password(rs.getString(2))
				.roles(rs.getString(3).toUpperCase())
				.build())
			.list();
		if (users.isEmpty()) {
			throw new UsernameNotFoundException(name);
		}
		return users.get(0);
	}

	@Override
	public void run(ApplicationArguments args) {
		saveConfiguredUsers();
		String password = environment.getProperty("SNPLAB_ADMIN_PASSWORD");
		if (password != null && !password.isBlank()) {
			save("admin", password, "admin");
			return;
		}
		boolean exists = db.sql("select count(*) from app_user where name = 'admin'").query(Integer.class).single() > 0;
		if (!exists) {
			String generated = generatePassword();
			save("admin", generated, "admin");
			String banner = "\n\n    snplab admin password (shown once; set SNPLAB_ADMIN_PASSWORD to choose one): " + generated + "\n";
			log.warn(banner);
		}
	}

	/** Users from {@code snplab.users}; configuration wins over what an earlier start stored. */
	private void saveConfiguredUsers() {
		for (AccessProperties.User user : access.users()) {
			if (user.name() == null || user.name().isBlank() || user.password() == null || user.password().isBlank()) {
				throw new IllegalStateException("each of snplab.users needs a name and a password");
			}
			String role = user.role() == null ? "viewer" : user.role().toLowerCase();
			if (!List.of("viewer", "maintainer", "admin").contains(role)) {
				throw new IllegalStateException("snplab.users role of " + user.name() + " must be viewer, maintainer or admin, not " + role);
			}
			save(user.name(), user.password(), role);
		}
	}

	void save(String name, String password, String role) {
		db.sql("""
				insert into app_user (name, password_hash, role) values (?, ?, ?)
				on conflict (name) do update set password_hash = excluded.password_hash, role = excluded.role""")
			.params(name, encoder.encode(password), role)
			.update();
	}

	private static String generatePassword() {
		byte[] bytes = new byte[18];
		new SecureRandom().nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}
}
