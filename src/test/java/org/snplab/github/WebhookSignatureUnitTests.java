package org.snplab.github;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookSignatureUnitTests {

	private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.UTF_8);

	private static final String DOCUMENTED = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

	@Test
	void signatureMatchesTheExampleInGithubsDocumentation() {
		assertThat(WebhookSignature.sign("It's a Secret to Everybody", HELLO)).isEqualTo(DOCUMENTED);
		assertThat(WebhookSignature.matches("It's a Secret to Everybody", HELLO, DOCUMENTED)).isTrue();
	}

	@Test
	void anotherSecretAnotherBodyOrNoSignatureDoNotMatch() {
		assertThat(WebhookSignature.matches("It's a secret to everybody", HELLO, DOCUMENTED)).isFalse();
		assertThat(WebhookSignature.matches("It's a Secret to Everybody", "Hello, World?".getBytes(StandardCharsets.UTF_8),
				DOCUMENTED)).isFalse();
		assertThat(WebhookSignature.matches("It's a Secret to Everybody", HELLO, null)).isFalse();
		assertThat(WebhookSignature.matches("It's a Secret to Everybody", HELLO, "sha1=abc")).isFalse();
		assertThat(WebhookSignature.matches("", HELLO, DOCUMENTED)).isFalse();
	}
}
