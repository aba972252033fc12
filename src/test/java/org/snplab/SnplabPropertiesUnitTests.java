package org.snplab;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SnplabPropertiesUnitTests {

	@Test
	void printedSettingsNeverShowTheRegistrationTokenOrTheSecretsKey() {
		SnplabProperties properties = new SnplabProperties(Path.of("data"), "https://ci.example.org",
				"c2VjcmV0LWtleS1zZWNyZXQta2V5LXNlY3JldC1rZXkh", new SnplabProperties.Agent("token-42-secret", false),
				new SnplabProperties.Queue(Duration.ofSeconds(60), Duration.ofSeconds(5), 3, Duration.ofSeconds(5),
						Duration.ofSeconds(60), Duration.ofSeconds(10), 3),
				new SnplabProperties.Logs(1024), new SnplabProperties.Artifacts(1024, 4096, null));

		assertThat(properties.toString()).doesNotContain("token-42-secret")
			.doesNotContain("c2VjcmV0LWtleS1zZWNyZXQta2V5LXNlY3JldC1rZXkh")
			.contains("registrationToken=(set)", "secretsKey=(set)", "baseUrl=https://ci.example.org", "maxAttempts=3");
		assertThat(new SnplabProperties.Agent(null, true).toString()).contains("registrationToken=unset");
	}
}
