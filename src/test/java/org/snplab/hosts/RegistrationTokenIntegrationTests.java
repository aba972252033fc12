package org.snplab.hosts;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.snplab.SnplabProperties;
import org.snplab.support.ServerIntegrationTest;

import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** With no registration token configured, the first start generates one: no default is left open. */
@ExtendWith(OutputCaptureExtension.class)
class RegistrationTokenIntegrationTests extends ServerIntegrationTest {

	private static final Pattern PRINTED = Pattern.compile("agent registration token \\(shown once[^)]*\\): (\\S+)");

	@Autowired
	SnplabProperties properties;

	@Autowired
	Environment environment;

	private SnplabProperties unset;

	@BeforeEach
	void noTokenConfigured() {
		db.sql("delete from server_setting").update();
		unset = new SnplabProperties(properties.dataDir(), properties.baseUrl(), properties.secretsKey(),
				new SnplabProperties.Agent(null, true), properties.queue(), properties.logs(), properties.artifacts());
	}

	@Test
	void theFirstStartGeneratesAndPrintsATokenEveryInstanceAcceptsAndKeepsOnlyItsHash(CapturedOutput output) {
		RegistrationToken first = new RegistrationToken(db, unset, environment);
		assertThat(first.matches("change-me")).as("nothing is accepted before a token exists").isFalse();

		first.run(null);

		Matcher printed = PRINTED.matcher(output.getOut() + output.getErr());
		assertThat(printed.find()).as("the token is printed").isTrue();
		String token = printed.group(1);
		assertThat(token).hasSizeGreaterThanOrEqualTo(32);
		assertThat(first.matches(token)).isTrue();
		assertThat(first.matches("change-me")).isFalse();
		assertThat(first.matches(token + "x")).isFalse();
		assertThat(db.sql("select value from server_setting where name = ?").param(RegistrationToken.SETTING)
			.query(String.class).single()).isEqualTo(HostCredentials.sha256(token)).doesNotContain(token);

		assertThat(output.getOut() + output.getErr()).as("the hint names the port the server really listens on")
			.contains("SNPLAB_REGISTRATION_TOKEN=" + token + " java -jar snplab.jar agent --server http://localhost:" + port
					+ " --work-dir /var/lib/snplab-agent")
			.doesNotContain("--token " + token);

		RegistrationToken secondInstance = new RegistrationToken(db, unset, environment);
		secondInstance.run(null);
		assertThat(secondInstance.matches(token)).isTrue();
		assertThat(PRINTED.matcher(output.getOut() + output.getErr()).results().count()).as("printed once").isEqualTo(1);
	}

	@Test
	void theHintsCommandIsTheOneTheReadmeWrites() throws Exception {
		String readme = Files.readString(Path.of("README.md"));

		assertThat(readme).contains(RegistrationToken.agentCommand("...", "https://snplab.example.org"));
		assertThat(RegistrationToken.agentServerUrl("https://snplab.example.org", 8081))
			.as("a public base URL (behind nginx) is kept").isEqualTo("https://snplab.example.org");
		assertThat(RegistrationToken.agentServerUrl("http://127.0.0.1:8080", 9090)).isEqualTo("http://127.0.0.1:9090");
	}

	@Test
	void aConfiguredTokenIsTheOnlyOneAcceptedAndNothingIsGenerated() {
		RegistrationToken configured = new RegistrationToken(db, properties, environment);

		configured.run(null);

		assertThat(configured.matches(REGISTRATION_TOKEN)).isTrue();
		assertThat(configured.matches("change-me")).isFalse();
		assertThat(db.sql("select count(*) from server_setting").query(Integer.class).single()).isZero();
	}
}
