package org.snplab.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.snplab.agent.TestAgents.fastAgent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snplab.protocol.AgentProtocol.Finish;
import org.snplab.protocol.AgentProtocol.Job;
import org.snplab.support.Fixtures;

/**
 * COCONUT-SVSM's real repository (the fixture bundle of its {@code main}) run by a real agent, its three submodules
 * named by their github.com URLs in {@code .gitmodules} and fetched from local repositories through the lab's URL
 * rewrite. The commits {@code main} pins (openssl, TPM, packit) aren't in the fixtures, so the test commits on top
 * of {@code main} a change that only re-pins the three gitlinks ({@code git update-index --cacheinfo 160000,...}) to
 * commits of local stand-in repositories; {@code .gitmodules} and everything else stay as the project has them.
 */
class SvsmSubmodulesIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(120);

	private static final String GITHUB = "https://github.com/";

	private static final String SVSM = GITHUB + "coconut-svsm/svsm.git";

	/** Each submodule's path and the github.com URL .gitmodules gives it, as on svsm's main. */
	private static final Map<String, String> SUBMODULES = new LinkedHashMap<>(Map.of(
			"libtcgtpm/deps/openssl", "openssl/openssl.git",
			"libtcgtpm/deps/tpm-20-ref", "TrustedComputingGroup/TPM.git",
			"packit", "coconut-svsm/packit.git"));

	@TempDir
	static Path fixtures;

	/** Where the lab's rewrite sends https://github.com/: local repositories at the same paths. */
	private static Path origins;

	/** The local stand-in commit each submodule path is pinned at. */
	private static final Map<String, String> pinned = new LinkedHashMap<>();

	private static String testCommit;

	@TempDir
	Path tmp;

	private FakeSnplabServer server;

	private Agent agent;

	@BeforeAll
	static void svsmWithLocalSubmodules() throws Exception {
		origins = Files.createDirectories(fixtures.resolve("github"));
		Path work = fixtures.resolve("svsm-work");
		git(fixtures, "clone", "-q", "-b", "main", Fixtures.path("svsm/coconut-svsm.bundle").toString(), work.toString());
		assertThat(Files.readString(work.resolve(".gitmodules"))).as("the project's own .gitmodules")
			.contains("url = https://github.com/openssl/openssl.git", "url = https://github.com/coconut-svsm/packit.git");
		for (Map.Entry<String, String> submodule : SUBMODULES.entrySet()) {
			Path origin = Files.createDirectories(origins.resolve(submodule.getValue()));
			git(origin, "init", "-q", "-b", "main");
			Files.writeString(origin.resolve("MARKER"), "stand-in for " + submodule.getValue() + "\n");
			git(origin, "add", "MARKER");
			git(origin, "commit", "-q", "-m", "stand-in");
			String commit = git(origin, "rev-parse", "HEAD");
			pinned.put(submodule.getKey(), commit);
			git(work, "update-index", "--cacheinfo", "160000," + commit + "," + submodule.getKey());
		}
		git(work, "commit", "-q", "-m", "test: pin local stand-ins of the submodules");
		testCommit = git(work, "rev-parse", "HEAD");
		git(origins, "clone", "-q", "--bare", work.toString(), origins.resolve("coconut-svsm/svsm.git").toString());
	}

	@BeforeEach
	void start() throws Exception {
		server = new FakeSnplabServer();
	}

	@AfterEach
	void stop() {
		if (agent != null) {
			agent.stop();
		}
		server.close();
	}

	@Test
	void eachSubmoduleIsAtItsPinnedCommitAndASecondJobFetchesNothing() throws Exception {
		startAgent();
		server.enqueue(svsmJob(1, List.of()));

		assertThat(server.awaitFinish(1, WAIT)).isEqualTo(new Finish("passed", "", 0));
		for (Map.Entry<String, String> submodule : pinned.entrySet()) {
			// git's own view: at the commit the superproject records, initialized (no '-' or '+' in front).
			assertThat(server.log(1)).contains(" " + submodule.getValue() + " " + submodule.getKey());
		}
		assertThat(server.log(1)).contains("stand-in for coconut-svsm/packit.git", "Cargo.toml");

		// With every origin out of reach, the same commit still checks out: nothing is fetched.
		Path away = tmp.resolve("origins-away");
		Files.move(origins, away);
		try {
			server.enqueue(svsmJob(2, List.of()));
			assertThat(server.awaitFinish(2, WAIT)).isEqualTo(new Finish("passed", "", 0));
			assertThat(server.log(2)).contains(" " + pinned.get("packit") + " packit");
		}
		finally {
			Files.move(away, origins);
		}
	}

	@Test
	void anUnreachableSubmoduleIsAnInfraErrorNamingItsUrlAndCommit() throws Exception {
		startAgent();
		String nowhere = tmp.resolve("no-such-mirror").toUri() + "/TPM.git";
		server.enqueue(svsmJob(3, List.of(GITHUB + "TrustedComputingGroup/TPM.git=" + nowhere)));

		Finish finish = server.awaitFinish(3, WAIT);

		assertThat(finish.result()).isEqualTo("infra_error");
		assertThat(finish.reason()).startsWith("checkout failed: submodule libtcgtpm/deps/tpm-20-ref: commit "
				+ pinned.get("libtcgtpm/deps/tpm-20-ref") + " from " + nowhere + ": ");
		assertThat(server.log(3)).doesNotContain("$ git submodule status");
	}

	private void startAgent() throws Exception {
		agent = new Agent(fastAgent(server, tmp.resolve("work"))
			.withGitRewrites(List.of(GITHUB + "=" + origins.toUri())));
		assertThat(agent.start()).isZero();
	}

	/** The job as the server sends it: GitHub's URL, submodules on, the server's rewrites given. */
	private static Job svsmJob(long id, List<String> serverRewrites) {
		return new Job(id, 1, 7, "svsm", SVSM, testCommit,
				List.of("git submodule status", "cat packit/MARKER", "ls"), Map.of(), 120, List.of(), List.of(), 1,
				"true", serverRewrites);
	}

	private static String git(Path dir, String... args) throws Exception {
		List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
				"-c", "commit.gpgsign=false"));
		command.addAll(List.of(args));
		Process git = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
		String out = new String(git.getInputStream().readAllBytes()).stripTrailing();
		assertThat(git.waitFor()).as("git " + String.join(" ", args) + ": " + out).isZero();
		return out;
	}
}
