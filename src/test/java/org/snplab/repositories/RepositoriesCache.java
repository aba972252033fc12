package org.snplab.repositories;

/** For tests of other modules: drops the cache of {@link Repositories} after the tables were emptied behind it. */
public final class RepositoriesCache {

	private RepositoriesCache() {
	}

	public static void invalidate(Repositories repositories) {
		repositories.invalidate();
	}
}
