package org.snplab.security;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.security.crypto.password.PasswordEncoder;

import static org.assertj.core.api.Assertions.assertThat;

/** Without SNPLAB_ADMIN_PASSWORD the first start generates the admin's password, stores it and prints it once. */
@ExtendWith(OutputCaptureExtension.class)
class AdminPasswordIntegrationTests extends ServerIntegrationTest {

	private static final Pattern PRINTED = Pattern.compile("snplab admin password \\(shown once[^)]*\\): (\\S+)");

	@Autowired
	PasswordEncoder encoder;

	@Autowired
	AccessProperties access;

	@AfterEach
	void restoreTheSuitesAdmin() {
		new UserAccounts(db, encoder, new MockEnvironment().withProperty("SNPLAB_ADMIN_PASSWORD", ADMIN_PASSWORD), access)
			.run(null);
	}

	@Test
	void aFirstStartWithoutThePasswordGeneratesOneThatLogsInAndPrintsItOnlyOnce(CapturedOutput output) {
		db.sql("delete from app_user where name = 'admin'").update();
		UserAccounts firstStart = new UserAccounts(db, encoder, new MockEnvironment(), access);

		firstStart.run(null);

		Matcher printed = PRINTED.matcher(output.getOut() + output.getErr());
		assertThat(printed.find()).as("the password is printed").isTrue();
		String password = printed.group(1);
		assertThat(password).hasSizeGreaterThanOrEqualTo(20);
		assertThat(HttpApi.basic(baseUrl(), "admin", password).get("/api/hosts").status()).isEqualTo(200);
		assertThat(HttpApi.basic(baseUrl(), "admin", password).post("/api/hosts/999999/drain", "").status())
			.as("an admin: authorised, the host just doesn't exist").isEqualTo(404);
		assertThat(HttpApi.basic(baseUrl(), "admin", ADMIN_PASSWORD).post("/api/hosts/999999/drain", "").status())
			.as("the old password is gone").isEqualTo(401);
		assertThat(db.sql("select password_hash from app_user where name = 'admin'").query(String.class).single())
			.doesNotContain(password);

		new UserAccounts(db, encoder, new MockEnvironment(), access).run(null);
		assertThat(PRINTED.matcher(output.getOut() + output.getErr()).results().count()).as("printed once").isEqualTo(1);
		assertThat(HttpApi.basic(baseUrl(), "admin", password).post("/api/hosts/999999/drain", "").status())
			.as("a later start keeps it").isEqualTo(404);
	}
}
