package org.snplab.security;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code snplab.users[i].name/password/role} (viewer, maintainer or admin; saved hashed at startup) and
 * {@code snplab.security.public-read} (false: every page needs a login).
 */
@ConfigurationProperties("snplab")
public record AccessProperties(@DefaultValue List<User> users, @DefaultValue Security security) {

	public record User(String name, String password, String role) {
	}

	public record Security(@DefaultValue("true") boolean publicRead) {
	}
}
