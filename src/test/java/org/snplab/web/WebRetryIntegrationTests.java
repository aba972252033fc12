package org.snplab.web;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.snplab.support.HttpAgent;
import org.snplab.queue.RunService;
import org.snplab.support.ServerIntegrationTest;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run page's buttons by the run's state; "Retry failed" pressed as a browser would: form login, session cookie,
 * CSRF token.
 */
class WebRetryIntegrationTests extends ServerIntegrationTest {

	private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

	@Autowired
	RunService runs;

	private final HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();

	@Test
	void aLoggedInMaintainerRetriesAFailedRunFromItsPageAndLandsOnTheNewRun() throws Exception {
		long run = runs.queue(new RunService.Origin("file:///svsm", "main", "d".repeat(40), "api"),
				WebFixtures.pipeline("boot"));
		HttpAgent agent = new HttpAgent(baseUrl(), "genoa-1", Map.of());
		agent.finish(agent.claim(), "timed_out", "took too long");

		HttpResponse<String> login = post("/login", csrf(get("/login").body()), Map.of("username", "maintainer",
				"password", USER_PASSWORD));
		assertThat(login.statusCode()).isEqualTo(302);
		assertThat(login.headers().firstValue("Location").orElse("")).doesNotContain("error");
		String page = get("/runs/" + run).body();
		assertThat(page).contains("id=\"retry\"");

		HttpResponse<String> retried = post("/runs/" + run + "/retry", csrf(page), Map.of());

		assertThat(retried.statusCode()).isEqualTo(302);
		long retryId = db.sql("select id from run where retry_of = ?").param(run).query(Long.class).single();
		assertThat(retried.headers().firstValue("Location").orElse("")).endsWith("/runs/" + retryId);
		assertThat(get("/runs/" + retryId).body()).contains(">boot<").contains(">queued<").contains(">#" + run + "<");
	}

	@Test
	void aHeldRunShowsApproveAndCancelAQueuedOneOnlyCancel() throws Exception {
		RunService.Origin origin = new RunService.Origin("file:///svsm", "pr-7", "e".repeat(40), "api");
		long held = runs.hold(origin, WebFixtures.pipeline("boot"));
		long queued = runs.queue(origin, WebFixtures.pipeline("boot"));
		post("/login", csrf(get("/login").body()), Map.of("username", "maintainer", "password", USER_PASSWORD));

		assertThat(get("/runs/" + held).body()).contains("id=\"approve\"", "id=\"cancel\"", ">waiting<")
			.doesNotContain("id=\"retry\"");
		assertThat(get("/runs/" + queued).body()).contains("id=\"cancel\"", ">queued<")
			.doesNotContain("id=\"approve\"", "id=\"retry\"");
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return browser.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(String path, String csrf, Map<String, String> fields)
			throws IOException, InterruptedException {
		StringBuilder form = new StringBuilder("_csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8));
		fields.forEach((name, value) -> form.append('&').append(name).append('=')
			.append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
		HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form.toString()))
			.build();
		return browser.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private static String csrf(String page) {
		Matcher matcher = CSRF.matcher(page);
		assertThat(matcher.find()).as("a CSRF token in the page").isTrue();
		return matcher.group(1);
	}
}
