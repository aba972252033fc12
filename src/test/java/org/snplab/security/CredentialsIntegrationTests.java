package org.snplab.security;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.snplab.queue.RunService;
import org.snplab.support.FormSession;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import org.snplab.web.WebFixtures;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** How the server takes credentials: session cookies and CSRF tokens, basic auth, repeated failures. */
class CredentialsIntegrationTests extends ServerIntegrationTest {

	@Autowired
	RunService runs;

	@Test
	void aSessionCookieWithAnAuthorizationHeaderThatAuthenticatesNothingStillNeedsTheCsrfToken() {
		long run = queueRun();
		FormSession browser = FormSession.logIn(baseUrl(), "maintainer", USER_PASSWORD);

		FormSession.Page forged = browser.postWithoutCsrfToken("/runs/" + run + "/cancel", Map.of(), "Bearer junk");

		assertThat(forged.status()).isEqualTo(401);
		assertThat(runState(run)).as("the forged cancel did nothing").isEqualTo("queued");
		browser.get("/runs/" + run);
		assertThat(browser.post("/runs/" + run + "/cancel", Map.of()).status()).as("the page's own form").isEqualTo(302);
		assertThat(runState(run)).isEqualTo("canceled");
	}

	@Test
	void basicAuthThatAuthenticatesNeedsNoCsrfToken() {
		long run = queueRun();

		HttpApi.Response canceled = HttpApi.basic(baseUrl(), "maintainer", USER_PASSWORD).post("/api/runs/" + run + "/cancel", "");

		assertThat(canceled.status()).isEqualTo(200);
		assertThat(runState(run)).isEqualTo("canceled");
	}

	@Test
	void tenFailedLoginsWithinAMinuteAreFollowedBy429() {
		HttpApi guesser = HttpApi.basic(baseUrl(), "guessed-user-" + System.nanoTime(), "wrong");
		for (int i = 1; i <= FailedLogins.PER_USER_AND_ADDRESS; i++) {
			assertThat(guesser.post("/api/runs", Map.of()).status()).as("attempt " + i).isEqualTo(401);
		}

		HttpApi.Response refused = guesser.post("/api/runs", Map.of());

		assertThat(refused.status()).isEqualTo(429);
		assertThat(refused.json().get("status").asInt()).isEqualTo(429);
		assertThat(refused.json().get("detail").asString()).contains("10 failed logins of user guessed-user-")
			.contains("wait a minute");
	}

	private long queueRun() {
		return runs.queue(new RunService.Origin("file:///svsm", "main", "e".repeat(40), "api"), WebFixtures.pipeline("boot"));
	}

	private String runState(long run) {
		return db.sql("select state from run where id = ?").param(run).query(String.class).single();
	}
}
