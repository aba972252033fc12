package org.snplab.web;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.snplab.support.AgentProcess;
import org.snplab.support.Eventually;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import org.snplab.support.TestRepositories;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real agent process runs a real pipeline (checkout, a cache, steps, a JUnit report) for the real server; the API
 * returns each job's sections, the job page folds the log by them in a real Chromium (the failed one open) and
 * without any script, and the run page names each job's failed step and failed tests.
 */
class BrowserStepSectionsTests extends ServerIntegrationTest {

	private static ChromeDriver browser;

	@TempDir
	Path temp;

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

	@Test
	void theLogIsFoldedByStepWithDurationsTheFailedStepOpenAndTheRunPageNamesIt() throws Exception {
		TestRepositories repo = TestRepositories.init(temp.resolve("repo"));
		repo.commit("pipeline", Map.of(".snplab.yml", """
				jobs:
				  build:
				    cache: [ { key: "out-v1", paths: [ out ] } ]
				    steps:
				      - "echo compiling svsm; mkdir -p out; echo built > out/igvm"
				      - "echo booting the guest; echo 'guest panicked'; exit 4"
				      - "echo never"
				  unit:
				    steps:
				      - >-
				        printf '<testsuite name="svsm" tests="2" failures="1"><testcase name="boots" classname="svsm"/>
				        <testcase name="attests" classname="svsm"><failure message="bad report"/></testcase></testsuite>' > report.xml
				    reports: { junit: [ report.xml ] }
				"""));

		JsonNode finished;
		try (AgentProcess agent = AgentProcess.start(baseUrl(), REGISTRATION_TOKEN, temp.resolve("agent"), "genoa-1")) {
			long runId = admin().post("/api/runs", Map.of("repository", repo.url(), "ref", "main")).json().get("id").asLong();
			finished = Eventually.await(Duration.ofSeconds(90), "run " + runId + " to finish",
					() -> anonymous().get("/api/runs/" + runId).json(),
					run -> !run.get("state").asString().matches("queued|running|waiting"));
		}
		long build = job(finished, "build").get("id").asLong();
		assertThat(job(finished, "unit").get("reason").asString()).isEqualTo("1 test failed");

		JsonNode steps = anonymous().get("/api/jobs/" + build).json().get("steps");
		assertThat(steps).extracting(s -> s.get("kind").asString()).containsExactly("checkout", "cache", "step", "step");
		assertThat(steps.get(2).get("name").asString()).startsWith("echo compiling svsm");
		assertThat(steps.get(2).get("exitCode").asInt()).isZero();
		assertThat(steps.get(3).get("exitCode").asInt()).isEqualTo(4);
		assertThat(steps).extracting(s -> s.get("failed").asBoolean()).containsExactly(false, false, false, true);
		for (JsonNode step : steps) {
			assertThat(step.get("startedAt").asString()).isNotBlank();
			assertThat(step.get("finishedAt").asString()).isNotBlank();
		}

		// Rendered by the server: the sections and their lines are in the page as sent, before any script runs.
		String html = anonymous().get("/jobs/" + build).body();
		assertThat(html).contains("id=\"log-sections\"", "compiling svsm", "guest panicked", "cache miss: out-v1")
			.doesNotContain("data-stream=");

		browser.get(baseUrl() + "/jobs/" + build);
		List<WebElement> sections = browser.findElements(By.cssSelector("#log-sections details.section"));
		assertThat(sections).hasSize(4);
		assertThat(sections).extracting(s -> s.getDomAttribute("open") != null).containsExactly(false, false, false, true);
		WebElement failed = sections.get(3);
		assertThat(failed.findElement(By.tagName("summary")).getText()).contains("$ echo booting the guest", "exit 4",
				"failed").containsPattern("\\d+s");
		assertThat(failed.findElement(By.tagName("pre")).getText()).contains("guest panicked", "step 2 exited 4");
		WebElement compile = sections.get(2);
		assertThat(compile.findElement(By.tagName("pre")).isDisplayed()).as("a passed step is folded").isFalse();
		compile.findElement(By.tagName("summary")).click();
		assertThat(compile.findElement(By.tagName("pre")).getText()).contains("compiling svsm");
		assertThat(sections.get(1).findElement(By.tagName("summary")).getText()).contains("restore caches");
		BrowserSession.screenshot(browser, "job-sections");

		browser.get(baseUrl() + "/runs/" + finished.get("id").asLong());
		assertThat(browser.findElement(By.cssSelector("#job-" + build + " .failed-step")).getText())
			.startsWith("$ echo booting the guest");
		long unit = job(finished, "unit").get("id").asLong();
		assertThat(browser.findElement(By.cssSelector("#job-" + unit + " .failed-tests")).getText()).isEqualTo("svsm.attests");
		BrowserSession.screenshot(browser, "run-failed-steps");
	}

	private static JsonNode job(JsonNode run, String name) {
		for (JsonNode job : run.get("jobs")) {
			if (job.get("name").asString().equals(name)) {
				return job;
			}
		}
		throw new AssertionError("no job " + name + " in " + run);
	}

	private HttpApi admin() {
		return HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD);
	}

	private HttpApi anonymous() {
		return HttpApi.anonymous(baseUrl());
	}
}
