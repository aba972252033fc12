package org.snplab.github;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.junit.jupiter.api.BeforeEach;
import org.snplab.repositories.Repositories;
import org.snplab.repositories.RepositoriesCache;
import org.snplab.support.HttpApi;
import org.snplab.support.ServerIntegrationTest;
import org.snplab.support.TestRepositories;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The server with two GitHub repositories configured: {@code coconut-svsm/svsm} and {@code Codertocat/Hello-World}
 * (the repository of the octokit example payloads), both cloned from local {@code file://} repositories, and
 * api.github.com played by {@link FakeGithubApi}. All GitHub test classes share this one server.
 */
public abstract class GithubIntegrationTest extends ServerIntegrationTest {

	protected static final String SECRET = "webhook-test-secret";

	protected static final String SVSM = "coconut-svsm/svsm";

	protected static final String HELLO = "Codertocat/Hello-World";

	protected static final String PIPELINE = """
			jobs:
			  build: { steps: [ "make" ] }
			  test: { steps: [ "make test" ] }
			""";

	protected static FakeGithubApi github;

	protected static Path svsmDirectory;

	protected static Path helloDirectory;

	private static final Map<Path, String> roots = new java.util.concurrent.ConcurrentHashMap<>();

	private static final HttpClient client = HttpClient.newHttpClient();

	@DynamicPropertySource
	static void githubRepositories(DynamicPropertyRegistry registry) throws IOException {
		github = FakeGithubApi.start();
		svsmDirectory = Files.createTempDirectory("svsm");
		helloDirectory = Files.createTempDirectory("hello-world");
		roots.put(svsmDirectory, TestRepositories.init(svsmDirectory).commit("initial", Map.of("README", "svsm\n")));
		roots.put(helloDirectory, TestRepositories.init(helloDirectory).commit("initial", Map.of("README", "hello\n")));
		registry.add("snplab.base-url", () -> "http://snplab.test");
		registry.add("snplab.github.api-url", github::url);
		registry.add("snplab.github.retry-interval", () -> "1s");
		registry.add("snplab.github.reconcile-interval", () -> "1h");
		registry.add("snplab.repositories[0].name", () -> SVSM);
		registry.add("snplab.repositories[0].clone-url", () -> svsmDirectory.toUri().toString());
		registry.add("snplab.repositories[0].webhook-secret", () -> SECRET);
		registry.add("snplab.repositories[0].token", () -> FakeGithubApi.TOKEN);
		registry.add("snplab.repositories[0].trusted-users[0]", () -> "trusted-friend");
		registry.add("snplab.repositories[1].name", () -> HELLO);
		registry.add("snplab.repositories[1].clone-url", () -> helloDirectory.toUri().toString());
		registry.add("snplab.repositories[1].webhook-secret", () -> SECRET);
		registry.add("snplab.repositories[1].token", () -> FakeGithubApi.TOKEN);
		registry.add("snplab.repositories[1].protected-branches[0]", () -> "master");
	}

	@Autowired
	protected Repositories repositories;

	/** The tables were just emptied behind the repositories' cache: it must not answer from before. */
	@BeforeEach
	void resetGithub() {
		github.reset();
		RepositoriesCache.invalidate(repositories);
	}

	/** POSTs a delivery signed as GitHub signs it. */
	protected HttpApi.Response deliver(String event, String deliveryId, String body, String secret) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + "/github/webhook"))
			.header("Content-Type", "application/json")
			.header("X-GitHub-Event", event)
			.header("X-GitHub-Delivery", deliveryId)
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (secret != null) {
			request.header("X-Hub-Signature-256", WebhookSignature.sign(secret, body.getBytes(StandardCharsets.UTF_8)));
		}
		try {
			HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
			return new HttpApi.Response(response.statusCode(), response.body());
		}
		catch (IOException | InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Delivers and waits until it was processed; returns the recorded outcome. */
	protected String deliverAndProcess(String event, String body) {
		String id = UUID.randomUUID().toString();
		HttpApi.Response response = deliver(event, id, body, SECRET);
		if (response.status() != 200) {
			throw new AssertionError("delivery answered " + response.status() + ": " + response.body());
		}
		return awaitOutcome(id);
	}

	protected String awaitOutcome(String deliveryId) {
		await(() -> db.sql("select count(*) from github_delivery where delivery_id = ? and processed_at is not null")
			.param(deliveryId).query(Integer.class).single() > 0);
		return db.sql("select outcome from github_delivery where delivery_id = ? and payload is not null")
			.param(deliveryId).query(String.class).single();
	}

	protected static void await(BooleanSupplier condition) {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("condition not met within 30 s");
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}
	}

	/** Commits on that branch of a test repository (a new branch starts at the initial commit); returns the commit. */
	protected static String commitOn(Path directory, String branch, Map<String, String> files) {
		try (Git git = Git.open(directory.toFile())) {
			boolean exists = git.getRepository().findRef("refs/heads/" + branch) != null;
			git.checkout().setName(branch).setCreateBranch(!exists).setStartPoint(exists ? null : roots.get(directory)).call();
			for (Map.Entry<String, String> file : files.entrySet()) {
				Files.writeString(directory.resolve(file.getKey()), file.getValue());
			}
			git.add().addFilepattern(".").call();
			return git.commit().setMessage("change on " + branch).setAuthor("Test", "test@example.org")
				.setCommitter("Test", "test@example.org").call().name();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** What GitHub keeps in the base repository for a pull request, also from a fork: refs/pull/N/head. */
	protected static void pullRequestRef(Path directory, int number, String sha) {
		try (Git git = Git.open(directory.toFile())) {
			RefUpdate update = git.getRepository().updateRef("refs/pull/" + number + "/head");
			update.setNewObjectId(ObjectId.fromString(sha));
			update.setForceUpdate(true);
			update.update();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
