package org.snplab.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.snplab.agent.api.AgentApi;
import org.snplab.agent.api.ApiException;
import org.snplab.protocol.AgentProtocol.RegisterRequest;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every refusal of the JSON API is an RFC 9457 problem ({@code application/problem+json} with title, status, detail
 * and instance), whichever layer refuses: a service, Spring MVC's binding, a security filter, or an address
 * nothing serves; pages keep their HTML error pages, and the agent reads the problem's detail.
 */
class ApiErrorsIntegrationTests extends ServerIntegrationTest {

	@Test
	void aBadParameterIsABadRequestProblemSayingWhatWasWrong() {
		HttpApi.Response response = HttpApi.anonymous(baseUrl()).get("/api/runs?limit=0");

		assertProblem(response, 400, "Bad Request", "/api/runs");
		assertThat(response.json().get("detail").asString()).startsWith("limit must be 1 to ").endsWith(", not 0");
	}

	@Test
	void whatSpringRefusesBeforeAControllerRunsIsAProblemToo() {
		HttpApi anonymous = HttpApi.anonymous(baseUrl());

		HttpApi.Response mistyped = anonymous.get("/api/runs/seven");
		assertProblem(mistyped, 400, "Bad Request", "/api/runs/seven");
		assertThat(mistyped.json().get("detail").asString()).isEqualTo("/api/runs/seven: 'seven' is not a valid id (long)");

		HttpApi.Response notANumber = anonymous.get("/api/runs?limit=many");
		assertProblem(notANumber, 400, "Bad Request", "/api/runs");
		assertThat(notANumber.json().get("detail").asString()).isEqualTo("/api/runs: 'many' is not a valid limit (int)");

		HttpApi.Response unreadable = HttpApi.bearer(baseUrl(), REGISTRATION_TOKEN).post("/api/agent/register",
				"{\"name\": ");
		assertProblem(unreadable, 400, "Bad Request", "/api/agent/register");
		assertThat(unreadable.json().get("detail").asString())
			.startsWith("request body is not valid JSON of the expected shape: ");

		HttpApi.Response wrongMethod = HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD).delete("/api/runs");
		assertProblem(wrongMethod, 405, "Method Not Allowed", "/api/runs");
		assertThat(wrongMethod.json().get("detail").asString()).contains("DELETE");

		HttpApi.Response nowhere = anonymous.get("/api/no-such-thing");
		assertProblem(nowhere, 404, "Not Found", "/api/no-such-thing");
		assertThat(nowhere.json().get("detail").asString()).isEqualTo(
				"nothing is served at /api/no-such-thing: see /v3/api-docs for the API");
	}

	@Test
	void aRefusalBySecurityIsAProblemNamingWhatToSend() {
		HttpApi.Response response = HttpApi.bearer(baseUrl(), "snplab_not-a-token").get("/api/runs");

		assertProblem(response, 401, "Unauthorized", "/api/runs");
		assertThat(response.json().get("detail").asString()).contains("not a valid snplab API token");
	}

	@Test
	void pagesKeepTheirHtmlErrorPages() throws Exception {
		HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl()
				+ "/no-such-page")).header("Accept", "text/html").GET().build(), HttpResponse.BodyHandlers.ofString());

		assertThat(page.statusCode()).isEqualTo(404);
		assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
		assertThat(page.body()).contains("<title>Not found · snplab</title>");

		HttpApi.Response missing = HttpApi.anonymous(baseUrl()).get("/tests");
		assertThat(missing.status()).isEqualTo(400);
		assertThat(missing.contentType()).startsWith("text/html");
		assertThat(missing.body()).contains("/tests needs the parameter");
	}

	@Test
	void theAgentReportsTheProblemsDetailNotItsJson() {
		assertThatThrownBy(() -> new AgentApi(URI.create(baseUrl()), "wrong-token")
			.register(new RegisterRequest("genoa-7", 1, Map.of(), Map.of())))
			.isInstanceOf(ApiException.Rejected.class)
			.hasMessage("POST /api/agent/register → 401: registration token rejected");
		assertThatThrownBy(() -> new AgentApi(URI.create(baseUrl()), REGISTRATION_TOKEN)
			.register(new RegisterRequest("genoa-7", 0, Map.of(), Map.of())))
			.isInstanceOfSatisfying(ApiException.class, ex -> assertThat(ex.status()).isEqualTo(400))
			.hasMessage("POST /api/agent/register → 400: slots must be between 1 and 64, got 0");
	}

	private static void assertProblem(HttpApi.Response response, int status, String title, String instance) {
		assertThat(response.status()).as(response.body()).isEqualTo(status);
		assertThat(response.contentType()).startsWith("application/problem+json");
		JsonNode problem = response.json();
		assertThat(problem.path("type").asString("about:blank")).as("RFC 9457: absent means about:blank, %s", problem)
			.isEqualTo("about:blank");
		assertThat(problem.get("title").asString()).isEqualTo(title);
		assertThat(problem.get("status").asInt()).isEqualTo(status);
		assertThat(problem.get("instance").asString()).isEqualTo(instance);
		assertThat(problem.get("detail").asString()).isNotBlank().isNotEqualTo("null");
	}
}
