package org.snplab.security;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;
import org.snplab.support.SettableClock;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real bcrypt, real Spring Security password checks; only the clock is moved by hand. */
class CachedPasswordCheckUnitTests {

	private final SettableClock clock = new SettableClock(Instant.parse("2026-03-01T10:00:00Z"));

	private final CountingEncoder bcrypt = new CountingEncoder(new BCryptPasswordEncoder(4));

	private final CachedPasswordCheck check;

	CachedPasswordCheckUnitTests() {
		InMemoryUserDetailsManager users = new InMemoryUserDetailsManager(
				User.withUsername("alice").password(bcrypt.encode("right")).roles("MAINTAINER").build());
		DaoAuthenticationProvider passwords = new DaoAuthenticationProvider(users);
		passwords.setPasswordEncoder(bcrypt);
		check = new CachedPasswordCheck(passwords, clock);
	}

	@Test
	void aVerifiedPasswordIsCheckedWithBcryptOnceAMinute() {
		int before = bcrypt.matches.get();
		for (int i = 0; i < 5; i++) {
			Authentication alice = check.authenticate(login("alice", "right", "10.0.0.1"));
			assertThat(alice.isAuthenticated()).isTrue();
			assertThat(alice.getAuthorities()).extracting(GrantedAuthority::getAuthority).contains("ROLE_MAINTAINER");
		}
		assertThat(bcrypt.matches.get() - before).isEqualTo(1);

		clock.advance(CachedPasswordCheck.REMEMBER_FOR.plusSeconds(1));
		check.authenticate(login("alice", "right", "10.0.0.1"));

		assertThat(bcrypt.matches.get() - before).as("checked again after a minute").isEqualTo(2);
	}

	@Test
	void aWrongPasswordIsNeverAcceptedFromTheCache() {
		check.authenticate(login("alice", "right", "10.0.0.1"));

		assertThatThrownBy(() -> check.authenticate(login("alice", "righ", "10.0.0.1")))
			.isInstanceOf(BadCredentialsException.class);
		assertThatThrownBy(() -> check.authenticate(login("alice", "right\u0000", "10.0.0.1")))
			.isInstanceOf(BadCredentialsException.class);
	}

	@Test
	void tenFailuresWithinAMinuteRefuseTheUserFromThatAddressEvenWithTheRightPassword() {
		for (int i = 0; i < FailedLogins.PER_USER_AND_ADDRESS; i++) {
			assertThatThrownBy(() -> check.authenticate(login("alice", "guess", "10.0.0.1")))
				.isInstanceOf(BadCredentialsException.class);
		}
		int before = bcrypt.matches.get();

		assertThatThrownBy(() -> check.authenticate(login("alice", "right", "10.0.0.1")))
			.isInstanceOf(TooManyFailedLogins.class)
			.hasMessage("10 failed logins of user alice from 10.0.0.1 within 1 minute: wait a minute before trying again");
		assertThat(bcrypt.matches.get()).as("refused without a bcrypt check").isEqualTo(before);
		assertThat(check.authenticate(login("alice", "right", "10.0.0.2")).isAuthenticated())
			.as("from another address").isTrue();

		clock.advance(FailedLogins.WINDOW.plusSeconds(1));
		assertThat(check.authenticate(login("alice", "right", "10.0.0.1")).isAuthenticated()).as("a minute later").isTrue();
	}

	@Test
	void manyFailuresFromOneAddressRefuseEveryUserFromIt() {
		for (int i = 0; i < FailedLogins.PER_ADDRESS; i++) {
			String user = "user-" + i;
			assertThatThrownBy(() -> check.authenticate(login(user, "guess", "10.0.0.9")))
				.isInstanceOf(BadCredentialsException.class);
		}

		assertThatThrownBy(() -> check.authenticate(login("alice", "right", "10.0.0.9")))
			.isInstanceOf(TooManyFailedLogins.class)
			.hasMessageContaining("50 failed logins from 10.0.0.9");
	}

	private static Authentication login(String user, String password, String address) {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.setRemoteAddr(address);
		UsernamePasswordAuthenticationToken token = UsernamePasswordAuthenticationToken.unauthenticated(user, password);
		token.setDetails(new WebAuthenticationDetails((HttpServletRequest) request));
		return token;
	}

	/** BCrypt, counting its checks. */
	private static final class CountingEncoder implements PasswordEncoder {

		final AtomicInteger matches = new AtomicInteger();

		private final PasswordEncoder delegate;

		CountingEncoder(PasswordEncoder delegate) {
			this.delegate = delegate;
		}

		@Override
		public String encode(CharSequence raw) {
			return delegate.encode(raw);
		}

		@Override
		public boolean matches(CharSequence raw, String encoded) {
			matches.incrementAndGet();
			return delegate.matches(raw, encoded);
		}
	}
}
