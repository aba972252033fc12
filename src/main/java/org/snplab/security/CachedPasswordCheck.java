package org.snplab.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * Checks a user name and password with bcrypt (through the wrapped provider) at most once a minute: scripts using
 * basic auth send them with every request, and each bcrypt check costs about 100 ms of CPU. Only an HMAC of the
 * credential is kept, under a key that lives in this process's memory alone. A password changed in the
 * configuration takes effect at the next start anyway. Failed attempts are limited ({@link FailedLogins}).
 */
final class CachedPasswordCheck implements AuthenticationProvider {

	static final Duration REMEMBER_FOR = Duration.ofMinutes(1);

	private final AuthenticationProvider passwords;

	private final Cache<String, Authentication> verified;

	private final FailedLogins failures;

	private final SecretKeySpec key;

	CachedPasswordCheck(AuthenticationProvider passwords, Clock clock) {
		this.passwords = passwords;
		Ticker ticker = () -> {
			Instant now = clock.instant();
			return now.getEpochSecond() * 1_000_000_000L + now.getNano();
		};
		this.verified = Caffeine.newBuilder().expireAfterWrite(REMEMBER_FOR).maximumSize(10_000).ticker(ticker).build();
		this.failures = new FailedLogins(ticker);
		byte[] secret = new byte[32];
		new SecureRandom().nextBytes(secret);
		this.key = new SecretKeySpec(secret, "HmacSHA256");
	}

	@Override
	public Authentication authenticate(Authentication authentication) throws AuthenticationException {
		String user = authentication.getName();
		String address = authentication.getDetails() instanceof WebAuthenticationDetails web ? web.getRemoteAddress() : "unknown";
		// Before the cache: a blocked guesser must learn nothing, not even that a guess matches a cached password.
		failures.check(user, address);
		Object password = authentication.getCredentials();
		String credential = mac(user + "\u0000" + (password == null ? "" : password));
		Authentication known = verified.getIfPresent(credential);
		if (known != null) {
			return UsernamePasswordAuthenticationToken.authenticated(known.getPrincipal(), null, known.getAuthorities());
		}
		Authentication checked;
		try {
			checked = passwords.authenticate(authentication);
		}
		catch (BadCredentialsException e) {
			failures.failed(user, address);
			throw e;
		}
		if (checked != null) {
			verified.put(credential, checked);
		}
		return checked;
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return passwords.supports(authentication);
	}

	private String mac(String text) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(key);
			return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (GeneralSecurityException e) {
			throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
		}
	}
}
