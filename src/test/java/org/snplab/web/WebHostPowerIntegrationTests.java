package org.snplab.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.snplab.support.FormSession;
import org.snplab.support.HttpApi;
import org.snplab.support.PowerIntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/** The host page's power form, buttons and timeline, as an admin and as others see them. */
class WebHostPowerIntegrationTests extends PowerIntegrationTest {

	@Test
	void anAdminSetsPowerSettingsAndCyclesTheHostFromItsPage() throws IOException {
		long host = registeredHost("page-host-1");
		Path dir = Files.createTempDirectory("snplab-page-pdu");
		Path pdu = dir.resolve("pdu");
		Files.writeString(pdu, "#!/bin/sh\n[ \"$SNPLAB_POWER_ACTION\" = status ] && echo on || echo \"outlet: $SNPLAB_POWER_ACTION\"\n");
		Files.setPosixFilePermissions(pdu, PosixFilePermissions.fromString("rwx------"));
		FormSession admin = FormSession.logIn(baseUrl(), "admin", ADMIN_PASSWORD);

		assertThat(admin.get("/hosts/" + host).body()).contains("id=\"power-form\"").contains("No power settings");
		FormSession.Page saved = admin.post("/hosts/" + host + "/power", Map.of("driver", "command", "command", pdu.toString(),
				"address", "ignored for command", "password", ""));
		assertThat(saved.status()).as(saved.body()).isEqualTo(302);
		assertThat(admin.follow(saved).body()).contains("Power settings saved.").contains("command " + pdu);

		FormSession.Page cycled = admin.post("/hosts/" + host + "/power/cycle", Map.of("reason", "wedged after the SNP test"));
		String page = admin.follow(cycled).body();
		assertThat(page).contains("power cycle: done").contains("wedged after the SNP test").contains("outlet: cycle");

		FormSession.Page refused = admin.post("/hosts/" + host + "/power", Map.of("driver", "ipmi", "address", "10.0.0.5"));
		assertThat(refused.status()).isEqualTo(400);
		assertThat(refused.body()).contains("user is required");
	}

	@Test
	void othersSeeTheTimelineButNeitherPowerSettingsNorButtons() {
		long host = registeredHost("page-host-2");
		admin().put("/api/hosts/" + host + "/power", Map.of("driver", "ipmi", "address", "10.9.8.7", "user", "root",
				"password", "bmc-secret"));
		admin().post("/api/hosts/" + host + "/drain", Map.of("reason", "rack move"));

		String page = HttpApi.anonymous(baseUrl()).get("/hosts/" + host).body();

		assertThat(page).contains("id=\"timeline\"").contains("rack move").doesNotContain("10.9.8.7")
			.doesNotContain("id=\"power-form\"").doesNotContain("bmc-secret");
		String adminPage = FormSession.logIn(baseUrl(), "admin", ADMIN_PASSWORD).get("/hosts/" + host).body();
		assertThat(adminPage).contains("address 10.9.8.7").contains("password set").doesNotContain("bmc-secret");
	}
}
