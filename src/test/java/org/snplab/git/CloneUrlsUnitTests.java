package org.snplab.git;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CloneUrlsUnitTests {

	@Test
	void aUserAndTokenOrATokenAloneInAnHttpsUrlAreMasked() {
		assertThat(CloneUrls.redact("https://ci-bot:ghp_abc123@github.com/o/r.git")).isEqualTo("https://***@github.com/o/r.git");
		assertThat(CloneUrls.redact("https://ghp_abc123@github.com/o/r.git")).isEqualTo("https://***@github.com/o/r.git");
		assertThat(CloneUrls.redact("HTTP://u:p@host:8080/r")).isEqualTo("HTTP://***@host:8080/r");
		assertThat(CloneUrls.hasCredentials("https://u:p@host/r")).isTrue();
	}

	@Test
	void anSshUserStaysButItsPasswordIsMasked() {
		assertThat(CloneUrls.redact("ssh://git@github.com/o/r.git")).isEqualTo("ssh://git@github.com/o/r.git");
		assertThat(CloneUrls.redact("ssh://git:hunter2@github.com/o/r.git")).isEqualTo("ssh://git:***@github.com/o/r.git");
		assertThat(CloneUrls.redact("git@github.com:o/r.git")).isEqualTo("git@github.com:o/r.git");
		assertThat(CloneUrls.hasCredentials("git@github.com:o/r.git")).isFalse();
	}

	@Test
	void urlsWithoutCredentialsAndMessagesQuotingUrlsComeOutRight() {
		assertThat(CloneUrls.redact("https://github.com/o/r.git")).isEqualTo("https://github.com/o/r.git");
		assertThat(CloneUrls.redact("file:///srv/mirror.git")).isEqualTo("file:///srv/mirror.git");
		assertThat(CloneUrls.redact(null)).isNull();
		assertThat(CloneUrls.redact("can't read https://bot:tok@github.com/o/r.git: https://bot:tok@github.com/o/r.git: "
				+ "not authorized")).isEqualTo("can't read https://***@github.com/o/r.git: https://***@github.com/o/r.git: "
						+ "not authorized");
	}

	@Test
	void withoutCredentialsDropsWhatRedactWouldMask() {
		assertThat(CloneUrls.withoutCredentials("https://ci-bot:ghp_abc123@github.com/o/r.git")).isEqualTo("https://github.com/o/r.git");
		assertThat(CloneUrls.withoutCredentials("https://ghp_abc123@github.com/o/r.git")).isEqualTo("https://github.com/o/r.git");
		assertThat(CloneUrls.withoutCredentials("ssh://git:hunter2@github.com/o/r.git")).isEqualTo("ssh://git@github.com/o/r.git");
		assertThat(CloneUrls.withoutCredentials("git@github.com:o/r.git")).isEqualTo("git@github.com:o/r.git");
		assertThat(CloneUrls.withoutCredentials("file:///srv/mirror.git")).isEqualTo("file:///srv/mirror.git");
		assertThat(CloneUrls.withoutCredentials(null)).isNull();
	}
}
