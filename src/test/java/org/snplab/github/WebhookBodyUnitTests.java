package org.snplab.github;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.snplab.TooLargeException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.ErrorResponseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookBodyUnitTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void aBodyPastTheCapIs413AndWhatItHeldIsGivenBack() {
		WebhookBody.Budget budget = new WebhookBody.Budget(10_000_000);

		assertThatThrownBy(() -> WebhookBody.read(new ByteArrayInputStream(new byte[300_000]), 200_000, budget))
			.isInstanceOf(TooLargeException.class)
			.hasMessageContaining("larger than 200000 bytes");
		assertThat(budget.held()).isZero();
		assertThat(WebhookBody.read(new ByteArrayInputStream(new byte[150_000]), 200_000, budget)).hasSize(150_000);
		assertThat(budget.held()).as("held until the request ends").isEqualTo(150_000);
	}

	@Test
	void bodiesPastTheSharedBudgetAre503UntilOthersGiveTheirsBack() {
		WebhookBody.Budget budget = new WebhookBody.Budget(250_000);
		byte[] first = WebhookBody.read(new ByteArrayInputStream(new byte[200_000]), 200_000, budget);

		assertThatThrownBy(() -> WebhookBody.read(new ByteArrayInputStream(new byte[100_000]), 200_000, budget))
			.isInstanceOfSatisfying(ErrorResponseException.class, ex -> {
				assertThat(ex.getStatusCode().value()).isEqualTo(503);
				assertThat(ex.getBody().getDetail()).contains("too many webhook bodies");
			});
		assertThat(budget.held()).isEqualTo(200_000);
		budget.giveBack(first.length);
		assertThat(WebhookBody.read(new ByteArrayInputStream(new byte[100_000]), 200_000, budget)).hasSize(100_000);
	}

	@Test
	void onlyTheFirstRepositoryFullNameIsReadAndNonObjectsAre400() {
		byte[] body = """
				{"zen": {"deep": [1, {"repository": {"full_name": "not/this"}}]}, "repository": {"id": 1,
				 "owner": {"full_name": "nor/this"}, "full_name": "coconut-svsm/svsm"}, "after": "garbage""".getBytes(
				StandardCharsets.UTF_8);

		assertThat(WebhookBody.repositoryName(JSON, body)).isEqualTo("coconut-svsm/svsm");
		assertThat(WebhookBody.repositoryName(JSON, "{\"repository\": {\"full_name\": 7}}".getBytes())).isNull();
		assertThatThrownBy(() -> WebhookBody.repositoryName(JSON, "[1]".getBytes()))
			.hasMessage("body is not a JSON object");
		assertThatThrownBy(() -> WebhookBody.repositoryName(JSON, "{\"ref\": ".getBytes()))
			.hasMessageStartingWith("body is not JSON");
	}
}
