package org.snplab.power;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.snplab.support.Eventually;
import org.snplab.support.HttpApi;
import org.snplab.support.PowerIntegrationTest;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The IPMI driver against Debian's real BMC simulator, driven through snplab's API and read back with ipmitool. */
class PowerIpmiIntegrationTests extends PowerIntegrationTest {

	IpmiSimulator bmc;

	long host;

	@BeforeEach
	void bmc() throws Exception {
		bmc = IpmiSimulator.start();
		host = registeredHost("ipmi-host-1");
		assertThat(admin().put("/api/hosts/" + host + "/power", Map.of("driver", "ipmi", "address", "127.0.0.1",
				"port", bmc.port, "user", IpmiSimulator.USER, "password", IpmiSimulator.PASSWORD,
				// ipmi_sim knows cipher suite 3 only, and doesn't answer the question for its list.
				"cipher-suite", 3)).status()).isEqualTo(200);
	}

	@AfterEach
	void stopBmc() throws Exception {
		bmc.close();
	}

	@Test
	void powersTheHostOnOffAndCyclesItThroughTheBmc() {
		assertThat(action("status").get("state").asString()).isEqualTo("off");
		assertThat(bmc.host()).isEmpty();

		JsonNode on = action("on");
		assertThat(on.get("summary").asString()).isEqualTo("power on: done");
		assertThat(bmc.chassisPower()).contains("Chassis Power is on");
		long firstHost = Eventually.await(Duration.ofSeconds(10), "the host's process", bmc::host, Optional::isPresent)
			.orElseThrow().pid();
		assertThat(action("on").get("summary").asString()).isEqualTo("power on: nothing to do, it is on");
		assertThat(bmc.host().orElseThrow().pid()).as("the host was left alone").isEqualTo(firstHost);

		JsonNode cycled = action("cycle");
		assertThat(cycled.get("summary").asString()).isEqualTo("power cycle: done");
		assertThat(cycled.get("answers").valueStream().map(JsonNode::asString))
			.containsExactly("Chassis Power is on", "Chassis Power Control: Cycle");
		Eventually.await(Duration.ofSeconds(30), "a new host process after the cycle",
				() -> bmc.host().map(ProcessHandle::pid).orElse(firstHost), pid -> pid != firstHost);
		assertThat(bmc.chassisPower()).contains("Chassis Power is on");

		assertThat(action("off").get("summary").asString())
			.as(() -> "history " + admin().get("/api/hosts/" + host + "/history").body() + "\nipmi_sim: " + bmc.log()
					+ "\nhost: " + bmc.host())
			.isEqualTo("power off: done");
		assertThat(bmc.chassisPower()).contains("Chassis Power is off");
		assertThat(bmc.host()).isEmpty();

		JsonNode timeline = admin().get("/api/hosts/" + host + "/history").json();
		assertThat(timeline.valueStream().map(e -> e.get("kind").asString()))
			.containsSubsequence("power-off", "power-cycle", "power-on", "power-on", "power-status", "power-settings");
		assertThat(timeline.get(0).get("detail").asString()).contains("Chassis Power Control: Down/Off");
	}

	@Test
	void aWrongPasswordFailsEveryAttemptWithIpmitoolsAnswer() {
		admin().put("/api/hosts/" + host + "/power", Map.of("driver", "ipmi", "address", "127.0.0.1", "port", bmc.port,
				"user", IpmiSimulator.USER, "password", "wrong", "cipher-suite", 3));

		HttpApi.Response answer = admin().post("/api/hosts/" + host + "/power/on", Map.of());

		assertThat(answer.status()).isEqualTo(502);
		assertThat(answer.json().get("summary").asString()).contains("failed after 3 attempt(s)")
			.contains("ipmitool chassis power status exited 1");
		assertThat(bmc.chassisPower()).contains("Chassis Power is off");
	}

	private JsonNode action(String action) {
		HttpApi.Response answer = admin().post("/api/hosts/" + host + "/power/" + action, Map.of("reason", "test"));
		assertThat(answer.status()).as(answer.body()).isEqualTo(200);
		return answer.json();
	}
}
