package org.snplab.support;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser's form-login session over plain HTTP: its cookies, and form posts carrying the CSRF token of the last
 * page read, as a browser submitting that page's form would. Redirects are followed only when asked
 * ({@link #follow}), so tests see redirect-after-post.
 */
public final class FormSession {

	private static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final Map<String, String> cookies = new LinkedHashMap<>();

	private final String baseUrl;

	private String csrfToken;

	private FormSession(String baseUrl) {
		this.baseUrl = baseUrl;
	}

	/** Logs in through the login form, as a browser does. */
	public static FormSession logIn(String baseUrl, String user, String password) {
		FormSession session = new FormSession(baseUrl);
		session.get("/login");
		Page answer = session.post("/login", Map.of("username", user, "password", password));
		if (answer.status() != 302 || answer.location().contains("error")) {
			throw new IllegalStateException("login of " + user + " answered " + answer.status() + " to " + answer.location());
		}
		return session;
	}

	/** Posts the login form as a browser does and returns the server's answer, whatever it is. */
	public static Page logInAnswer(String baseUrl, String user, String password) {
		FormSession session = new FormSession(baseUrl);
		session.get("/login");
		return session.post("/login", Map.of("username", user, "password", password));
	}

	/** GETs the page and keeps the CSRF token of its forms, if it has any. */
	public Page get(String path) {
		Page page = send(request(path).GET());
		Matcher token = CSRF_FIELD.matcher(page.body());
		if (token.find()) {
			csrfToken = token.group(1);
		}
		return page;
	}

	/** GETs where a redirect answer points, as a browser does next (a flash message is shown there once). */
	public Page follow(Page redirect) {
		if (redirect.status() / 100 != 3) {
			throw new IllegalStateException("not a redirect but " + redirect.status() + ": " + redirect.body());
		}
		String location = redirect.location();
		return get(location.startsWith(baseUrl) ? location.substring(baseUrl.length()) : location);
	}

	/** POSTs the fields form-encoded, with the CSRF token of the last page read. */
	public Page post(String path, Map<String, String> fields) {
		Map<String, String> withToken = new LinkedHashMap<>(fields);
		if (csrfToken != null) {
			withToken.put("_csrf", csrfToken);
		}
		return postWithoutCsrfToken(path, withToken);
	}

	/** POSTs the fields as a form on another site would: with this session's cookies but no CSRF token. */
	public Page postWithoutCsrfToken(String path, Map<String, String> fields) {
		return send(formPost(path, fields));
	}

	/** As {@link #postWithoutCsrfToken}, with an {@code Authorization} header besides the session cookie. */
	public Page postWithoutCsrfToken(String path, Map<String, String> fields, String authorization) {
		return send(formPost(path, fields).header("Authorization", authorization));
	}

	private HttpRequest.Builder formPost(String path, Map<String, String> fields) {
		String body = fields.entrySet().stream()
			.map(field -> encode(field.getKey()) + "=" + encode(field.getValue()))
			.collect(Collectors.joining("&"));
		return request(path).header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body));
	}

	private HttpRequest.Builder request(String path) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60));
		if (!cookies.isEmpty()) {
			builder.header("Cookie", cookies.entrySet().stream().map(c -> c.getKey() + "=" + c.getValue())
				.collect(Collectors.joining("; ")));
		}
		return builder;
	}

	private Page send(HttpRequest.Builder builder) {
		try {
			HttpResponse<String> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
			for (String cookie : response.headers().allValues("Set-Cookie")) {
				String pair = cookie.split(";", 2)[0];
				int equals = pair.indexOf('=');
				cookies.put(pair.substring(0, equals).strip(), pair.substring(equals + 1).strip());
			}
			return new Page(response.statusCode(), response.body(), response.headers().firstValue("Location").orElse(""));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static String encode(String text) {
		return URLEncoder.encode(text, StandardCharsets.UTF_8);
	}

	/** @param location the Location header, empty when there is none */
	public record Page(int status, String body, String location) {
	}
}
