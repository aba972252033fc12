package org.snplab.web;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.snplab.support.HttpAgent;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** With {@code snplab.security.public-read=false} every page needs a login; agents and the login page don't. */
@TestPropertySource(properties = "snplab.security.public-read=false")
class WebPrivateReadIntegrationTests extends ServerIntegrationTest {

	@Test
	void anonymousReadersAreSentToLogInWhileViewersReadAndAgentsStillRegister() {
		HttpApi anonymous = HttpApi.anonymous(baseUrl());

		assertThat(anonymous.get("/runs").status()).isIn(302, 401);
		assertThat(anonymous.get("/api/hosts").status()).isIn(302, 401);
		assertThat(anonymous.get("/login").status()).isEqualTo(200);
		assertThat(HttpApi.basic(baseUrl(), "viewer", USER_PASSWORD).get("/runs").status()).isEqualTo(200);
		assertThat(HttpApi.basic(baseUrl(), "viewer", "wrong").get("/runs").status()).isEqualTo(401);
		new HttpAgent(baseUrl(), "milan-1", Map.of());
		assertThat(db.sql("select count(*) from host").query(Integer.class).single()).isOne();
	}
}
