package org.snplab.power;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.snplab.support.Eventually;
import org.snplab.support.HttpApi;
import org.snplab.support.PowerIntegrationTest;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The command driver through the API: settings, idempotent actions, a failing script, and the timeline. */
class PowerCommandIntegrationTests extends PowerIntegrationTest {

	Path dir;

	Path pdu;

	long host;

	@BeforeEach
	void pduScript() throws IOException {
		dir = Files.createTempDirectory("snplab-pdu");
		pdu = script("pdu-power", """
				#!/bin/sh
				dir=$(dirname "$0")
				echo "$SNPLAB_POWER_ACTION $SNPLAB_HOST" >> "$dir/calls"
				case "$SNPLAB_POWER_ACTION" in
				  status) cat "$dir/state" ;;
				  on|cycle) echo on > "$dir/state"; echo "outlet 3: $SNPLAB_POWER_ACTION" ;;
				  off) echo off > "$dir/state"; echo "outlet 3: off" ;;
				esac
				""");
		Files.writeString(dir.resolve("state"), "off\n");
		host = registeredHost("pdu-host-1");
	}

	@Test
	void savesCommandSettingsAndShowsThemToAdminsOnly() {
		HttpApi.Response saved = admin().put("/api/hosts/" + host + "/power", Map.of("driver", "command", "command", pdu.toString()));

		assertThat(saved.status()).isEqualTo(200);
		assertThat(saved.json().get("command").asString()).isEqualTo(pdu.toString());
		assertThat(admin().get("/api/hosts/" + host + "/power").json().get("driver").asString()).isEqualTo("command");
		assertThat(HttpApi.anonymous(baseUrl()).get("/api/hosts/" + host + "/power").status()).isEqualTo(401);
		assertThat(HttpApi.basic(baseUrl(), "maintainer", USER_PASSWORD)
			.put("/api/hosts/" + host + "/power", Map.of("driver", "command", "command", pdu.toString()))
			.status()).isEqualTo(403);
		assertThat(HttpApi.basic(baseUrl(), "maintainer", USER_PASSWORD).post("/api/hosts/" + host + "/power/on", Map.of())
			.status()).isEqualTo(403);
	}

	@Test
	void onChecksTheStateFirstSoOnOfAHostThatIsOnDoesNothing() throws IOException {
		admin().put("/api/hosts/" + host + "/power", Map.of("driver", "command", "command", pdu.toString()));

		JsonNode first = admin().post("/api/hosts/" + host + "/power/on", Map.of("reason", "after the move")).json();
		JsonNode again = admin().post("/api/hosts/" + host + "/power/on", Map.of()).json();

		assertThat(first.get("done").asBoolean()).isTrue();
		assertThat(first.get("summary").asString()).isEqualTo("power on: done");
		assertThat(again.get("summary").asString()).isEqualTo("power on: nothing to do, it is on");
		assertThat(Files.readAllLines(dir.resolve("calls")))
			.as("status, on, status to confirm; then only status")
			.containsExactly("status pdu-host-1", "on pdu-host-1", "status pdu-host-1", "status pdu-host-1");
		assertThat(admin().post("/api/hosts/" + host + "/power/status", Map.of()).json().get("state").asString())
			.isEqualTo("on");
	}

	@Test
	void aCycleIsRecordedOnTheTimelineAndNotifiedOnce() {
		admin().put("/api/hosts/" + host + "/power", Map.of("driver", "command", "command", pdu.toString()));
		admin().post("/api/hosts/" + host + "/power/on", Map.of());

		JsonNode cycled = admin().post("/api/hosts/" + host + "/power/cycle", Map.of("reason", "kernel stuck in RMP handling")).json();

		assertThat(cycled.get("summary").asString()).isEqualTo("power cycle: done");
		JsonNode timeline = admin().get("/api/hosts/" + host + "/history").json();
		JsonNode newest = timeline.get(0);
		assertThat(newest.get("kind").asString()).isEqualTo("power-cycle");
		assertThat(newest.get("actor").asString()).isEqualTo("admin");
		assertThat(newest.get("reason").asString()).isEqualTo("kernel stuck in RMP handling");
		assertThat(newest.get("detail").asString()).contains("outlet 3: cycle");
		assertThat(timeline.valueStream().map(e -> e.get("kind").asString()))
			.containsSubsequence("power-cycle", "power-on", "power-settings");
		List<JsonNode> notified = Eventually.await(Duration.ofSeconds(20), "the cycle's notification",
				() -> webhook.received("power-cycle-done"), list -> !list.isEmpty());
		assertThat(notified.get(0).get("text").asString()).contains("pdu-host-1").contains("power cycle: done")
			.contains("kernel stuck in RMP handling");
		assertThat(notified.get(0).get("snplab").get("host").asString()).isEqualTo("pdu-host-1");
	}

	@Test
	void aFailingCommandIsRetriedABoundedNumberOfTimesAndAnswers502WithItsOutput() throws IOException {
		Path broken = script("broken-pdu", """
				#!/bin/sh
				[ "$SNPLAB_POWER_ACTION" = status ] && { echo on; exit 0; }
				echo "PDU refused: outlet 3 locked" >&2
				exit 3
				""");
		admin().put("/api/hosts/" + host + "/power", Map.of("driver", "command", "command", broken.toString()));

		HttpApi.Response answer = admin().post("/api/hosts/" + host + "/power/cycle", Map.of());

		assertThat(answer.status()).isEqualTo(502);
		assertThat(answer.json().get("attempts").asInt()).isEqualTo(3);
		assertThat(answer.json().get("summary").asString()).startsWith("power cycle: failed after 3 attempt(s)")
			.contains("exited 3").contains("PDU refused: outlet 3 locked");
		assertThat(admin().get("/api/hosts/" + host + "/history").json().get(0).get("summary").asString())
			.contains("failed after 3 attempt(s)");
		Eventually.await(Duration.ofSeconds(20), "the failure's notification",
				() -> webhook.received("power-cycle-failed"), list -> !list.isEmpty());
	}

	@Test
	void refusesAnActionWithoutSettingsAndUnknownHosts() {
		HttpApi.Response none = admin().post("/api/hosts/" + host + "/power/cycle", Map.of());
		assertThat(none.status()).isEqualTo(409);
		assertThat(none.json().get("detail").asString()).contains("pdu-host-1 has no power settings");
		assertThat(admin().post("/api/hosts/999999/power/on", Map.of()).status()).isEqualTo(404);
		assertThat(admin().post("/api/hosts/" + host + "/power/reboot", Map.of()).status()).isEqualTo(404);
	}

	@Test
	void badSettingsAnswer400NamingTheField() {
		assertRefused(Map.of("driver", "pdu"), "driver must be one of ipmi, redfish, command");
		assertRefused(Map.of("address", "10.0.0.5"), "driver is required");
		assertRefused(Map.of("driver", "ipmi", "port", 623, "user", "u", "password", "p"), "address is required");
		assertRefused(Map.of("driver", "ipmi", "address", "10.0.0.5", "port", 70000, "user", "u", "password", "p"),
				"port must be a number from 1 to 65535");
		assertRefused(Map.of("driver", "ipmi", "address", "10.0.0.5 -P x", "user", "u", "password", "p"),
				"address must be a host name or IP address");
		assertRefused(Map.of("driver", "ipmi", "address", "10.0.0.5", "user", "u"), "password is required");
		assertRefused(Map.of("driver", "ipmi", "address", "10.0.0.5", "user", "u", "password", "p", "pasword", "x"),
				"unknown field 'pasword' for driver ipmi");
		assertRefused(Map.of("driver", "redfish", "url", "http://bmc/redfish/v1/Systems/1", "user", "u", "password", "p"),
				"url must be an https:// URL");
		assertRefused(Map.of("driver", "redfish", "url", "https://bmc/redfish/v1/Systems/1", "user", "u", "password", "p",
				"ca-cert", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"), "ca-cert is not a PEM certificate");
		assertRefused(Map.of("driver", "command", "command", "pdu-power"), "command must start with an absolute path");
		assertRefused(Map.of("driver", "command", "command", "/nonexistent/pdu-power"), "is not an executable file");
		assertRefused(Map.of("driver", "command", "command", 5), "command must be a string");
		HttpApi.Response notJson = admin().put("/api/hosts/" + host + "/power", "[1, 2]");
		assertThat(notJson.status()).isEqualTo(400);
		assertThat(admin().get("/api/hosts/" + host + "/power").status()).as("nothing was saved").isEqualTo(404);
	}

	private void assertRefused(Map<String, Object> body, String error) {
		HttpApi.Response answer = admin().put("/api/hosts/" + host + "/power", body);
		assertThat(answer.status()).as(body.toString()).isEqualTo(400);
		assertThat(answer.json().get("detail").asString()).contains(error);
	}

	@Test
	void aBmcSlowerThanTheChecksIsDoneWhenTheRetryFindsItOff() throws IOException {
		// Powers off only at the fourth status read after the request: after the first attempt's three checks.
		Path slow = script("slow-bmc", """
				#!/bin/sh
				dir=$(dirname "$0")
				echo "$SNPLAB_POWER_ACTION" >> "$dir/slow-calls"
				case "$SNPLAB_POWER_ACTION" in
				  status)
				    if [ -f "$dir/off-requested" ]; then
				      n=$(($(cat "$dir/off-requested") + 1)); echo "$n" > "$dir/off-requested"
				      if [ "$n" -ge 4 ]; then echo off; exit 0; fi
				    fi
				    echo on ;;
				  off) echo 0 > "$dir/off-requested"; echo "outlet 3: off" ;;
				esac
				""");
		admin().put("/api/hosts/" + host + "/power", Map.of("driver", "command", "command", slow.toString()));

		JsonNode off = admin().post("/api/hosts/" + host + "/power/off", Map.of()).json();

		assertThat(off.get("done").asBoolean()).isTrue();
		assertThat(off.get("summary").asString()).as("its request did it: not 'nothing to do'").isEqualTo("power off: done");
		assertThat(Files.readAllLines(dir.resolve("slow-calls"))).as("one request, then checks until it is off")
			.containsExactly("status", "off", "status", "status", "status", "status");
	}

	private Path script(String name, String text) throws IOException {
		Path path = dir.resolve(name);
		Files.writeString(path, text);
		Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
		return path;
	}
}
