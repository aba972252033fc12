package org.snplab.power;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.snplab.support.HttpApi;
import org.snplab.support.PowerIntegrationTest;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** BMC passwords are kept encrypted, shown only as "set", and kept when a later PUT leaves them out. */
class PowerSettingsIntegrationTests extends PowerIntegrationTest {

	@Test
	void theIpmiPasswordIsEncryptedAtRestAndNeverShownBack() {
		long host = registeredHost("bmc-host-1");

		JsonNode saved = admin().put("/api/hosts/" + host + "/power", Map.of("driver", "ipmi", "address", "10.0.0.5",
				"port", 623, "user", "ipmiusr", "password", "very-s3cret")).json();

		assertThat(saved.get("password").asString()).isEqualTo("set");
		HttpApi.Response shown = admin().get("/api/hosts/" + host + "/power");
		assertThat(shown.body()).doesNotContain("very-s3cret").contains("\"address\":\"10.0.0.5\"");
		String stored = db.sql("select password from host_power where host_id = ?").param(host).query(String.class).single();
		assertThat(stored).startsWith("v1:").doesNotContain("very-s3cret");
		String settings = db.sql("select settings::text from host_power where host_id = ?").param(host).query(String.class).single();
		assertThat(settings).doesNotContain("very-s3cret");
		assertThat(admin().get("/api/hosts/" + host + "/history").body()).doesNotContain("very-s3cret");
	}

	@Test
	void aPutWithoutPasswordKeepsTheStoredOneOfTheSameDriver() {
		long host = registeredHost("bmc-host-2");
		admin().put("/api/hosts/" + host + "/power", Map.of("driver", "redfish", "url",
				"https://bmc-2.lab/redfish/v1/Systems/1", "user", "root", "password", "calvin"));
		String before = db.sql("select password from host_power where host_id = ?").param(host).query(String.class).single();

		JsonNode moved = admin().put("/api/hosts/" + host + "/power", Map.of("driver", "redfish", "url",
				"https://bmc-2b.lab/redfish/v1/Systems/1", "user", "root")).json();

		assertThat(moved.get("url").asString()).isEqualTo("https://bmc-2b.lab/redfish/v1/Systems/1");
		assertThat(moved.get("password").asString()).isEqualTo("set");
		assertThat(db.sql("select password from host_power where host_id = ?").param(host).query(String.class).single())
			.isEqualTo(before);
		HttpApi.Response otherDriver = admin().put("/api/hosts/" + host + "/power",
				Map.of("driver", "ipmi", "address", "10.0.0.6", "user", "root"));
		assertThat(otherDriver.status()).isEqualTo(400);
		assertThat(otherDriver.json().get("detail").asString()).isEqualTo("password is required for driver ipmi");
	}
}
