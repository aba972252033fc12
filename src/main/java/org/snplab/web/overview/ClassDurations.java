package org.snplab.web.overview;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The recent average duration per capability class, which the overview's estimates build on. It moves only as jobs
 * finish, so a few seconds old is as good as fresh, and caching it saves a query per class on every overview load.
 */
@Component
class ClassDurations {

	private static final Duration FRESH = Duration.ofSeconds(5);

	private record Entry(Double seconds, long readAt) {
	}

	private final Map<Long, Entry> cache = new ConcurrentHashMap<>();

	private final JdbcClient db;

	ClassDurations(JdbcClient db) {
		this.db = db;
	}

	/** @return seconds, averaged over the last 20 finished jobs of the class; null before the first */
	Double averageSeconds(long requiresId) {
		long now = System.nanoTime();
		Entry entry = cache.get(requiresId);
		if (entry == null || now - entry.readAt() > FRESH.toNanos()) {
			entry = new Entry(read(requiresId), now);
			cache.put(requiresId, entry);
		}
		return entry.seconds();
	}

	private Double read(long requiresId) {
		Optional<Double> average = db.sql("""
				select avg(extract(epoch from finished_at - started_at)) from (
				  select finished_at, started_at from job
				  where requires_id = ? and state = 'finished' and result in ('passed', 'failed') and started_at is not null
				  order by finished_at desc limit 20) recent""")
			.param(requiresId)
			.query(Double.class)
			.optional();
		return average.orElse(null);
	}
}
