package org.snplab.queue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.snplab.hosts.Host;
import org.snplab.hosts.HostRegistry;
import org.snplab.protocol.AgentProtocol;
import org.snplab.support.ServerIntegrationTest;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.snplab.queue.Pipelines.job;
import static org.snplab.queue.Pipelines.requires;

/**
 * A clone URL with a credential in it (a private repository's {@code https://ci-bot:ghp_...@...}) is kept in no
 * table in plain text: runs and jobs hold the URL without it, the whole URL is encrypted, and only the agent that
 * takes a job (also a retry's) gets it back.
 */
class RunCloneUrlCredentialsIntegrationTests extends ServerIntegrationTest {

	private static final String TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";

	private static final String URL = "https://ci-bot:" + TOKEN + "@git.example.org/coconut-svsm/svsm.git";

	private static final String WITHOUT = "https://git.example.org/coconut-svsm/svsm.git";

	@Autowired
	RunService runs;

	@Autowired
	JobQueue queue;

	@Autowired
	HostRegistry hosts;

	@Autowired
	RunViews views;

	@Autowired
	RunCloneUrls cloneUrls;

	@Test
	void theCredentialIsStoredEncryptedShownNowhereAndGivenOnlyToTheAgentThatTakesTheJob() {
		Host host = host("milan-1");
		long runId = runs.queue(new RunService.Origin(URL, "main", "a".repeat(40), "api"),
				Pipelines.of(job("build", 0, requires(List.of()))));

		assertThat(db.sql("select repository from run where id = ?").param(runId).query(String.class).single())
			.isEqualTo(WITHOUT);
		assertThat(db.sql("select repository from job where run_id = ?").param(runId).query(String.class).single())
			.isEqualTo(WITHOUT);
		assertNoPlainToken();
		assertThat(views.run(runId).repository()).isEqualTo(WITHOUT);

		AgentProtocol.Job claimed = queue.claim(host, 0).orElseThrow();

		assertThat(claimed.repository()).isEqualTo(URL);
		queue.finish(claimed.jobId(), claimed.attempt(), host, JobResult.FAILED, "exit 1", 0);
		long retryId = runs.retryFailed(runId);
		assertNoPlainToken();
		assertThat(queue.claim(host, 0).orElseThrow().repository()).isEqualTo(URL);
		assertThat(db.sql("select repository from run where id = ?").param(retryId).query(String.class).single())
			.isEqualTo(WITHOUT);
	}

	@Test
	void aUrlWithoutCredentialsIsKeptAsItIs() {
		Host host = host("milan-1");
		long runId = runs.queue(new RunService.Origin("file:///srv/git/svsm.git", "main", "b".repeat(40), "api"),
				Pipelines.of(job("build", 0, requires(List.of()))));

		assertThat(db.sql("select clone_url_secret from run where id = ?").param(runId).query(String.class).optional())
			.isEmpty();
		assertThat(queue.claim(host, 0).orElseThrow().repository()).isEqualTo("file:///srv/git/svsm.git");
	}

	@Test
	void runsStoredWithThePlainCredentialBeforeAreSplitAtStartAndStillFetchWithIt() {
		Host host = host("milan-1");
		long runId = runs.queue(new RunService.Origin(WITHOUT, "main", "c".repeat(40), "api"),
				Pipelines.of(job("build", 0, requires(List.of()))));
		// As a version before the split wrote it.
		db.sql("update run set repository = ? where id = ?").params(URL, runId).update();
		db.sql("update job set repository = ? where run_id = ?").params(URL, runId).update();

		assertThat(cloneUrls.splitStoredCredentials()).isEqualTo(1);
		assertThat(cloneUrls.splitStoredCredentials()).isZero();

		assertNoPlainToken();
		assertThat(queue.claim(host, 0).orElseThrow().repository()).isEqualTo(URL);
	}

	private void assertNoPlainToken() {
		List<Map<String, Object>> leaks = db.sql("""
				select 'run' as source, id from run where repository like :token or clone_url_secret like :token
				union all select 'job', id from job where repository like :token or spec::text like :token""")
			.param("token", "%" + TOKEN + "%")
			.query()
			.listOfRows();
		assertThat(leaks).isEmpty();
	}

	private Host host(String name) {
		long id = hosts.register(REGISTRATION_TOKEN, name, 1, Map.of(), Map.of()).hostId();
		return hosts.find(id).orElseThrow();
	}
}
