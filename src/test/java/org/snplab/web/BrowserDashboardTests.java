package org.snplab.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.snplab.pipeline.PipelineParser;
import org.snplab.support.Fixtures;
import org.snplab.support.HttpAgent;
import org.snplab.queue.RunService;
import org.snplab.support.ServerIntegrationTest;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard in a real headless Chromium; screenshots land in target/screenshots/. */
class BrowserDashboardTests extends ServerIntegrationTest {

	private static ChromeDriver browser;

	@Autowired
	RunService runs;

	private WebDriverWait wait;

	@BeforeAll
	static void startBrowser() throws Exception {
		browser = BrowserSession.start();
	}

	@AfterAll
	static void stopBrowser() {
		if (browser != null) {
			browser.quit();
		}
	}

	@BeforeEach
	void anonymous() {
		browser.get(baseUrl() + "/login");
		browser.manage().deleteAllCookies();
		wait = new WebDriverWait(browser, Duration.ofSeconds(20));
	}

	@Test
	void theOverviewShowsAWaitingAndARunningJob() throws Exception {
		runs.queue(origin("main"), WebFixtures.pipeline("boot-test", "unit-tests"));
		HttpAgent agent = new HttpAgent(baseUrl(), "milan-1", Map.of("sev_snp", "true"));
		long running = agent.claim();
		ScheduledExecutorService alive = agent.keepAlive(running);
		try {
			browser.get(baseUrl() + "/");

			assertThat(browser.findElement(By.id("running-" + running)).getText()).contains("boot-test").contains("milan-1");
			assertThat(browser.findElement(By.id("waiting")).getText()).contains("unit-tests").contains("next");
			assertThat(browser.findElement(By.id("host-states")).getText()).contains("1 online");
			BrowserSession.screenshot(browser, "overview");
		}
		finally {
			alive.shutdownNow();
		}
	}

	@Test
	void aJobPageFollowsItsLogWhileItGrowsAndShowsHtmlInertAndAnsiColoured() throws Exception {
		runs.queue(origin("main"), WebFixtures.pipeline("svsm-tests"));
		HttpAgent agent = new HttpAgent(baseUrl(), "genoa-1", Map.of());
		long job = agent.claim();
		ScheduledExecutorService alive = agent.keepAlive(job);
		try {
			agent.log(job, 0, "first line before the page opened\n");
			browser.get(baseUrl() + "/jobs/" + job);
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "first line before the page opened"));

			agent.log(job, 1, "<script>window.pwned = true</script> \u001B[1;31mred and bold\u001B[0m plain\n");
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "red and bold"));

			assertThat(browser.findElement(By.id("log")).getText()).contains("<script>window.pwned = true</script>");
			assertThat(browser.executeScript("return window.pwned === undefined")).isEqualTo(true);
			assertThat(browser.findElements(By.cssSelector("#log script"))).isEmpty();
			var red = browser.findElement(By.cssSelector("#L2 .fg1.b"));
			assertThat(red.getText()).isEqualTo("red and bold");
			assertThat(red.getCssValue("color")).isEqualTo("rgba(239, 83, 80, 1)");

			agent.log(job, 2, "third line\n");
			agent.finish(job, "passed", null);
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log-status"), "complete"));
			assertThat(browser.findElement(By.id("L3")).getText()).isEqualTo("third line");
			BrowserSession.screenshot(browser, "job-live-log");
		}
		finally {
			alive.shutdownNow();
		}
	}

	@Test
	void anOpenJobPageShowsAProgressLineAndTheOutcomeWhenTheJobFinishesWithoutAReload() throws Exception {
		runs.queue(origin("main"), WebFixtures.pipeline("attest"));
		HttpAgent agent = new HttpAgent(baseUrl(), "genoa-2", Map.of());
		long job = agent.claim();
		ScheduledExecutorService alive = agent.keepAlive(job);
		try {
			browser.get(baseUrl() + "/jobs/" + job);
			browser.executeScript("window.sameDocument = true");
			assertThat(browser.findElement(By.id("job-state")).getText()).isEqualTo("running");
			assertThat(browser.findElement(By.id("failure")).isDisplayed()).isFalse();

			agent.log(job, 0, "booting guest\nmeasuring 40%");
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "measuring 40%"));
			agent.log(job, 1, "\rmeasuring 100%\n");
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("L2"), "measuring 100%"));
			assertThat(browser.findElements(By.cssSelector("#log .line"))).hasSize(2);

			agent.finish(job, "failed", "attestation report mismatch");
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("job-state"), "failed"));

			assertThat(browser.findElement(By.id("job-state")).getAttribute("class")).contains("failed");
			assertThat(browser.findElement(By.id("failure")).getText()).contains("failed: attestation report mismatch (exit code 1)");
			assertThat(browser.findElement(By.id("job-duration")).getText()).matches("\\d+s");
			assertThat(browser.executeScript("return window.sameDocument === true")).isEqualTo(true);
			BrowserSession.screenshot(browser, "job-finished-live");
		}
		finally {
			alive.shutdownNow();
		}
	}

	@Test
	void anSvsmPanicIsPointedOutAtTheTopAndLinkedToItsLine() throws Exception {
		runs.queue(origin("main"), WebFixtures.pipeline("test-in-svsm"));
		HttpAgent agent = new HttpAgent(baseUrl(), "milan-2", Map.of());
		long job = agent.claim();
		agent.log(job, 0, Files.readString(Fixtures.path("svsm/svsm-test-in-svsm-panic-ipi-svsm682.txt")));
		agent.finish(job, "failed", "step 1 exited 1");

		browser.get(baseUrl() + "/jobs/" + job);
		browser.findElement(By.cssSelector("#highlight a")).click();

		assertThat(browser.findElement(By.id("highlight")).getText()).contains("panic").contains("line 5");
		assertThat(browser.getCurrentUrl()).endsWith("#L5");
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("L5"), "Panic on CPU[0]!"));
		BrowserSession.screenshot(browser, "job-svsm-panic");
	}

	@Test
	void anAdminDrainsThenRemovesAHostFromItsPageAfterLoggingInThroughTheForm() throws Exception {
		long host = new HttpAgent(baseUrl(), "turin-1", Map.of("cpu.generation", "turin")).hostId;

		logInAsAdmin();
		browser.get(baseUrl() + "/hosts/" + host);
		browser.findElement(By.id("drain")).click();

		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("host-state"), "draining"));
		assertThat(db.sql("select mode from host where id = ?").param(host).query(String.class).single()).isEqualTo("draining");
		BrowserSession.screenshot(browser, "host-drained");

		browser.findElement(By.id("remove")).click();
		wait.until(ExpectedConditions.alertIsPresent()).accept();
		wait.until(ExpectedConditions.urlMatches("/hosts$"));
		assertThat(browser.findElement(By.tagName("main")).getText()).doesNotContain("turin-1");
		assertThat(db.sql("select removed_at is not null from host where id = ?").param(host).query(Boolean.class).single()).isTrue();
	}

	@Test
	void anAdminAddsARepositoryThroughTheFormAndSeesItListed() throws Exception {
		logInAsAdmin();
		browser.findElement(By.id("repositories-link")).click();
		browser.findElement(By.id("add-repository")).click();
		browser.findElement(By.id("name")).sendKeys("lab/browser-added");
		browser.findElement(By.id("webhookSecret")).sendKeys("typed-in-the-browser");
		browser.findElement(By.id("trustedUsers")).sendKeys("octocat, hubot");
		browser.findElement(By.id("save")).click();

		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("flash"), "Added lab/browser-added."));
		assertThat(browser.findElement(By.id("repository-lab/browser-added")).getText())
			.contains("https://github.com/lab/browser-added.git", "dashboard", "octocat", "hubot", "main", "ok-to-test");
		assertThat(browser.getPageSource()).doesNotContain("typed-in-the-browser");
		assertThat(db.sql("select webhook_secret from github_repository where name = 'lab/browser-added'")
			.query(String.class).single()).as("encrypted").startsWith("v1:").doesNotContain("typed-in-the-browser");
		BrowserSession.screenshot(browser, "repository-added");
	}

	@Test
	void anAnonymousVisitorSeesNoActionButtonsAndAFormPostedAnywayIsSentToLogIn() throws Exception {
		long run = runs.queue(origin("main"), WebFixtures.pipeline("build"));
		long host = new HttpAgent(baseUrl(), "turin-2", Map.of()).hostId;

		browser.get(baseUrl() + "/hosts/" + host);
		assertThat(browser.findElements(By.cssSelector(".actions button"))).isEmpty();
		browser.get(baseUrl() + "/runs/" + run);
		assertThat(browser.findElements(By.cssSelector(".actions button"))).isEmpty();

		// What the hidden Cancel button would have posted is still refused, and the run keeps going.
		browser.executeScript("var f = document.createElement('form'); f.method = 'post'; f.action = '/runs/" + run
				+ "/cancel'; document.body.appendChild(f); f.submit();");
		wait.until(ExpectedConditions.urlContains("/cancel"));
		assertThat(db.sql("select state from run where id = ?").param(run).query(String.class).single()).isEqualTo("queued");
		BrowserSession.screenshot(browser, "anonymous-no-buttons");
	}

	@Test
	void aMaintainerSeesRunButtonsAndReservesHostsAnAdminSeesEveryHostButton() throws Exception {
		long run = runs.queue(origin("main"), WebFixtures.pipeline("build"));
		long host = new HttpAgent(baseUrl(), "turin-3", Map.of()).hostId;

		logIn("maintainer", USER_PASSWORD);
		browser.get(baseUrl() + "/runs/" + run);
		assertThat(browser.findElements(By.id("cancel"))).hasSize(1);
		browser.get(baseUrl() + "/hosts/" + host);
		assertThat(browser.findElements(By.cssSelector(".actions button")))
			.as("of the host buttons, only Reserve").extracting(button -> button.getAttribute("id")).containsExactly("reserve");
		browser.findElement(By.name("reason")).sendKeys("debug SNP guest hang");
		browser.findElement(By.id("reserve")).click();
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("reservation")));
		assertThat(browser.findElement(By.id("reservation")).getText()).contains("Reserved by maintainer", "debug SNP guest hang");
		assertThat(browser.findElements(By.id("release"))).hasSize(1);
		assertThat(browser.findElement(By.id("host-state")).getText()).isEqualTo("reserved");
		BrowserSession.screenshot(browser, "maintainer-reserved-host");

		browser.manage().deleteAllCookies();
		logInAsAdmin();
		browser.get(baseUrl() + "/hosts/" + host);
		assertThat(browser.findElements(By.id("drain"))).hasSize(1);
		assertThat(browser.findElements(By.id("remove"))).hasSize(1);
	}

	@Test
	void aJobThatHasNotStartedSaysSoAndShowsItsLogOnceAHostTakesIt() throws Exception {
		runs.queue(origin("main"), WebFixtures.pipeline("later"));
		long job = db.sql("select id from job where name = 'later'").query(Long.class).single();

		browser.get(baseUrl() + "/jobs/" + job);
		assertThat(browser.findElement(By.id("log-note")).getText()).contains("hasn't started yet");
		assertThat(browser.findElements(By.id("download"))).isEmpty();
		assertThat(browser.findElement(By.id("log-status")).getText()).isEqualTo("waiting for the job to start…");
		assertThat(browser.findElement(By.id("log")).isDisplayed()).isFalse();

		HttpAgent agent = new HttpAgent(baseUrl(), "genoa-3", Map.of());
		assertThat(agent.claim()).isEqualTo(job);
		ScheduledExecutorService alive = agent.keepAlive(job);
		try {
			agent.log(job, 0, "now it runs\n");
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "now it runs"));
			assertThat(browser.findElements(By.id("log-note"))).isEmpty();
			assertThat(browser.findElement(By.id("log-status")).getText()).isEqualTo("following…");
		}
		finally {
			alive.shutdownNow();
		}
	}

	@Test
	void aJobCanceledBeforeItStartedHasNoEmptyLogPane() throws Exception {
		long run = runs.queue(origin("main"), WebFixtures.pipeline("never"));
		long job = db.sql("select id from job where run_id = ?").param(run).query(Long.class).single();
		db.sql("update job set state = 'finished', result = 'canceled', reason = 'canceled by a user', finished_at = now() where id = ?")
			.param(job)
			.update();

		browser.get(baseUrl() + "/jobs/" + job);

		assertThat(browser.findElement(By.id("log-note")).getText()).isEqualTo("Attempt 1 never started, so it has no log.");
		assertThat(browser.findElements(By.id("log"))).isEmpty();
		assertThat(browser.findElements(By.id("download"))).isEmpty();
	}

	@Test
	void aJobNoHostCanRunHasNoPlaceInLineAndItsRunSaysWhyItCantFinish() throws Exception {
		new HttpAgent(baseUrl(), "rome-1", Map.of("sev_snp", "false"));
		long run = runs.queue(origin("main"), PipelineParser.parse("""
				jobs:
				  snp-only:
				    requires: { sev_snp: true }
				    steps: [ "true" ]
				"""));
		long job = db.sql("select id from job where run_id = ?").param(run).query(Long.class).single();

		browser.get(baseUrl() + "/");
		assertThat(browser.findElement(By.cssSelector("#waiting-" + job + " .position")).getText())
			.isEqualTo("— (no host can take it)");

		browser.get(baseUrl() + "/runs/" + run);
		assertThat(browser.findElement(By.id("job-" + job)).getText()).contains("no matching host").contains("sev_snp");
		assertThat(browser.findElement(By.id("run-stuck")).getText())
			.startsWith("This run can't finish until a host that matches is enabled: snp-only: no matching host");
		BrowserSession.screenshot(browser, "run-unmatchable");
	}

	@Test
	void aTwoHostJobWithOneHostInTheLabSaysOnEachRolesPageWhyItWaits() throws Exception {
		new HttpAgent(baseUrl(), "milan-1", Map.of("sev_snp", "true", "cpu.generation", "milan"));
		long run = runs.queue(origin("main"), PipelineParser.parse("""
				jobs:
				  live-migration:
				    roles:
				      source:      { steps: [ "true" ] }
				      destination: { steps: [ "true" ] }
				"""));
		long source = db.sql("select id from job where run_id = ? and name = 'live-migration/source'").param(run)
			.query(Long.class).single();

		// The reason is the scheduling pass's, written when a pass (woken by the queueing) has seen the gang wait;
		// before that each role says what it waits for alone.
		wait.until(driver -> db.sql("select count(*) from gang_hold where run_id = ? and waiting is not null")
			.param(run).query(Long.class).single() > 0);
		browser.get(baseUrl() + "/jobs/" + source);

		assertThat(browser.findElement(By.cssSelector("p.waiting")).getText())
			.isEqualTo("no 2 hosts sharing cpu.generation can run it together (hosts each role matches, in order: 1, 1)");
		BrowserSession.screenshot(browser, "gang-waiting");
	}

	@Test
	void theTestHistoryPageWithoutANameAnswersAPageSayingWhatIsMissing() {
		browser.get(baseUrl() + "/tests");

		assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("400 Bad Request");
		assertThat(browser.findElement(By.id("refused")).getText()).isEqualTo("/tests needs the parameter 'name', e.g. /tests?name=...");
		assertThat(browser.findElement(By.tagName("nav")).getText()).contains("Runs");
	}

	private void logInAsAdmin() {
		logIn("admin", ADMIN_PASSWORD);
	}

	private void logIn(String user, String password) {
		browser.get(baseUrl() + "/login");
		browser.findElement(By.id("username")).sendKeys(user);
		browser.findElement(By.id("password")).sendKeys(password);
		browser.findElement(By.id("login-submit")).click();
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("who")));
	}

	private static RunService.Origin origin(String ref) {
		return new RunService.Origin("file:///svsm", ref, "f".repeat(40), "api");
	}
}
