package org.snplab.github;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.snplab.repositories.Repositories;
import org.snplab.repositories.Repository;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/** The few calls of GitHub's REST API snplab makes, with the headers GitHub asks for. */
@Component
class GithubApi {

	/** 100 items a page: 5,000 branches or open pull requests are more than any repository snplab serves. */
	private static final int MAX_PAGES = 50;

	private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"next\"");

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private final GithubProperties properties;

	private final Repositories repositories;

	private final JsonMapper json;

	GithubApi(GithubProperties properties, Repositories repositories, JsonMapper json) {
		this.properties = properties;
		this.repositories = repositories;
		this.json = json;
	}

	/** A call GitHub refused or that never reached it; the message says which and why. */
	static class GithubApiException extends IOException {

		GithubApiException(String message) {
			super(message);
		}
	}

	/** POST /repos/{owner}/{repo}/statuses/{sha}. */
	void createStatus(Repository repository, String sha, Map<String, String> status) throws IOException {
		send(repository, "POST", apiUrl() + "/repos/" + repository.name() + "/statuses/" + sha, json.writeValueAsString(status));
	}

	/** GET /repos/{owner}/{repo}/branches: every branch, page by page. */
	List<JsonNode> branches(Repository repository) throws IOException {
		return pages(repository, "/repos/" + repository.name() + "/branches?per_page=100");
	}

	/** GET /repos/{owner}/{repo}/pulls?state=open: every open pull request, page by page. */
	List<JsonNode> openPulls(Repository repository) throws IOException {
		return pages(repository, "/repos/" + repository.name() + "/pulls?state=open&per_page=100");
	}

	/** Follows GitHub's {@code Link: <url>; rel="next"} until the last page. */
	private List<JsonNode> pages(Repository repository, String path) throws IOException {
		List<JsonNode> items = new ArrayList<>();
		String url = apiUrl() + path;
		for (int page = 1; url != null; page++) {
			if (page > MAX_PAGES) {
				throw new GithubApiException(path + " has more than " + MAX_PAGES + " pages");
			}
			HttpResponse<String> response = send(repository, "GET", url, null);
			items.addAll(list(response.body()));
			url = response.headers().firstValue("Link").map(GithubApi::nextLink).orElse(null);
			// The token goes with every request: never follow a link off the configured API.
			if (url != null && !url.startsWith(apiUrl() + "/")) {
				throw new GithubApiException(path + " links its next page off " + apiUrl() + ": " + url);
			}
		}
		return items;
	}

	static String nextLink(String header) {
		Matcher next = NEXT_LINK.matcher(header);
		return next.find() ? next.group(1) : null;
	}

	private String apiUrl() {
		return properties.github().apiUrl().replaceAll("/+$", "");
	}

	private List<JsonNode> list(String body) throws GithubApiException {
		try {
			JsonNode root = json.readTree(body);
			if (root == null || !root.isArray()) {
				throw new GithubApiException("GitHub answered something other than a JSON list");
			}
			List<JsonNode> items = new ArrayList<>();
			root.forEach(items::add);
			return items;
		}
		catch (JacksonException ex) {
			throw new GithubApiException("GitHub answered malformed JSON: " + ex.getOriginalMessage());
		}
	}

	private HttpResponse<String> send(Repository repository, String method, String url, String body)
			throws IOException {
		String path = url.substring(apiUrl().length());
		// Without its token a call would fail at GitHub with a less helpful answer (or list a private repository as
		// missing): say why here.
		if (repositories.entry(repository.name()).map(Repositories.Entry::tokenUnreadable).orElse(false)) {
			throw new GithubApiException(method + " " + path + " not sent: "
					+ Repositories.whyUnreadable("token", repository.name()));
		}
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.timeout(Duration.ofSeconds(30))
			.header("Accept", "application/vnd.github+json")
			.header("X-GitHub-Api-Version", "2022-11-28")
			.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		if (repository.token() != null && !repository.token().isBlank()) {
			request.header("Authorization", "Bearer " + repository.token());
		}
		try {
			HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() / 100 != 2) {
				String text = response.body() == null ? "" : response.body();
				throw new GithubApiException(method + " " + path + " answered " + response.statusCode() + ": "
						+ text.substring(0, Math.min(200, text.length())));
			}
			return response;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new GithubApiException(method + " " + path + " interrupted");
		}
	}
}
