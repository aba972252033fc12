package org.snplab.git;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Maps repository URLs to a lab's own mirrors, as git's {@code url.<base>.insteadOf} does: the longest matching
 * prefix is replaced. From the server ({@code snplab.git.url-rewrites}, sent with each job) and the agent
 * ({@code --git-rewrite FROM=TO}).
 */
public record GitUrlRewrites(List<Rewrite> rewrites) {

	/** Replace a URL starting with {@code from} by {@code to} followed by the rest. */
	public record Rewrite(String from, String to) {

		/** Reads {@code FROM=TO}, as the agent's {@code --git-rewrite} takes it. */
		public static Rewrite parse(String fromEqualsTo) {
			int equals = fromEqualsTo.indexOf('=');
			if (equals <= 0 || equals == fromEqualsTo.length() - 1) {
				throw new IllegalArgumentException("a git URL rewrite is FROM=TO (e.g. https://github.com/=file:///srv/mirrors/), got '"
						+ fromEqualsTo + "'");
			}
			return new Rewrite(fromEqualsTo.substring(0, equals), fromEqualsTo.substring(equals + 1));
		}
	}

	public static final GitUrlRewrites NONE = new GitUrlRewrites(List.of());

	/** From {@code FROM=TO} strings, as the agent's flags and the server's setting give them. */
	public static GitUrlRewrites parse(List<String> fromEqualsTo) {
		return new GitUrlRewrites(fromEqualsTo.stream().map(Rewrite::parse).toList());
	}

	public GitUrlRewrites {
		rewrites = rewrites == null ? List.of() : List.copyOf(rewrites);
	}

	/** These rewrites, then the others for URLs none of these matches better (a longer prefix wins). */
	public GitUrlRewrites and(GitUrlRewrites others) {
		return new GitUrlRewrites(Stream.concat(rewrites.stream(), others.rewrites.stream()).toList());
	}

	public String apply(String url) {
		return rewrites.stream()
			.filter(rewrite -> url.startsWith(rewrite.from()))
			// Like git: the longest match wins; on a tie, the first given.
			.max(Comparator.comparingInt((Rewrite rewrite) -> rewrite.from().length())
				.thenComparing(rewrite -> -rewrites.indexOf(rewrite)))
			.map(rewrite -> rewrite.to() + url.substring(rewrite.from().length()))
			.orElse(url);
	}
}
