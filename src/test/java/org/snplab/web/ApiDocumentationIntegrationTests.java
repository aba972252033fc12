package org.snplab.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI document lists every endpoint of the JSON API the server has, each with its error answers. */
class ApiDocumentationIntegrationTests extends ServerIntegrationTest {

	@Autowired
	@Qualifier("requestMappingHandlerMapping")
	RequestMappingHandlerMapping mappings;

	@Test
	void everyApiEndpointIsInTheOpenApiDocumentWithItsErrorsInOneShape() {
		HttpApi.Response answer = HttpApi.anonymous(baseUrl()).get("/v3/api-docs");
		assertThat(answer.status()).isEqualTo(200);
		JsonNode doc = answer.json();
		Set<String> documented = new TreeSet<>();
		doc.get("paths").properties().forEach(path -> path.getValue().properties()
			.forEach(method -> documented.add(method.getKey().toUpperCase() + " " + path.getKey())));

		Set<String> served = new TreeSet<>();
		for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
			for (String pattern : info.getPatternValues()) {
				if (!pattern.startsWith("/api/") && !pattern.equals("/github/webhook")) {
					continue;
				}
				Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
				for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
					served.add(method.name() + " " + pattern.replaceAll("\\{([a-zA-Z]+):[^}]+}", "{$1}"));
				}
			}
		}

		assertThat(served).hasSizeGreaterThan(30).contains("POST /api/tokens", "POST /api/agent/poll", "GET /api/queue");
		assertThat(documented).containsAll(served);
		List<String> withoutErrors = new ArrayList<>();
		doc.get("paths").properties().forEach(path -> path.getValue().properties().forEach(method -> {
			JsonNode responses = method.getValue().get("responses");
			for (String status : List.of("400", "401", "503")) {
				JsonNode error = responses.path(status).path("content").path("application/problem+json").path("schema").path("$ref");
				if (!error.asString("").equals("#/components/schemas/Error")) {
					withoutErrors.add(method.getKey() + " " + path.getKey() + " " + status);
				}
			}
		}));
		assertThat(withoutErrors).isEmpty();
		assertThat(doc.at("/components/schemas/Error/properties").has("detail")).isTrue();
		assertThat(doc.at("/components/securitySchemes/token/scheme").asString()).isEqualTo("bearer");
	}

	@Test
	void theSwaggerUiPageIsServed() {
		HttpApi.Response page = HttpApi.anonymous(baseUrl()).get("/swagger-ui/index.html");

		assertThat(page.status()).isEqualTo(200);
		assertThat(page.body()).contains("swagger-ui");
	}
}
