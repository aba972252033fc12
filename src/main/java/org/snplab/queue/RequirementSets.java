package org.snplab.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.snplab.hosts.Host;
import org.snplab.pipeline.Requirements;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Distinct {@code requires} blocks, each stored once. A pipeline has a handful, so matching a host against every set
 * is cheap, and the claim then only asks PostgreSQL for jobs of the sets the host matches.
 */
@Component
class RequirementSets {

	private final JdbcClient db;

	private final Map<Long, Requirements> byId = new ConcurrentHashMap<>();

	private final Map<Long, HostMatches> matchesByHost = new ConcurrentHashMap<>();

	private final AtomicLong version = new AtomicLong();

	RequirementSets(JdbcClient db) {
		this.db = db;
	}

	long idFor(Requirements requirements) {
		String canonical = requirements.toJson();
		long id = db.sql("""
				with inserted as (insert into requirement_set (canonical) values (?) on conflict (canonical) do nothing returning id)
				select id from inserted union all select id from requirement_set where canonical = ?""")
			.params(canonical, canonical)
			.query(Long.class)
			.list()
			.get(0);
		if (byId.putIfAbsent(id, requirements) == null) {
			version.incrementAndGet();
		}
		return id;
	}

	Requirements get(long id) {
		if (!byId.containsKey(id)) {
			refresh();
		}
		return byId.getOrDefault(id, Requirements.none());
	}

	/**
	 * Ids of the sets this host satisfies, recomputed when its facts, labels or health change or new sets appear.
	 * Every host carries the label {@code snplab.health-check=<its name>}, so its health check matches it alone; a
	 * host that doesn't {@link Host#admitsJobs admit jobs} (bad, or not checked yet) matches only that.
	 */
	long[] matching(Host host) {
		boolean admits = host.health().admitsJobs();
		HostMatches cached = matchesByHost.get(host.id());
		if (cached != null && cached.facts.equals(host.facts()) && cached.labels.equals(host.labels())
				&& cached.admits == admits && cached.version == version.get()) {
			return cached.ids;
		}
		long seen = version.get();
		String healthCheck = Host.HEALTH_CHECK_LABEL + "=" + host.name();
		Map<String, String> labels = host.matchLabels();
		List<Long> ids = new ArrayList<>();
		byId.forEach((id, requirements) -> {
			if ((admits || requirements.labels().contains(healthCheck)) && requirements.matches(host.facts(), labels)) {
				ids.add(id);
			}
		});
		long[] result = ids.stream().mapToLong(Long::longValue).sorted().toArray();
		matchesByHost.put(host.id(), new HostMatches(host.facts(), host.labels(), admits, seen, result));
		return result;
	}

	/**
	 * Loads sets this instance hasn't seen, e.g. created by another server instance. All ids are read, not just
	 * those above the highest known: sequence values can commit out of order.
	 */
	synchronized void refresh() {
		List<Long> ids = db.sql("select id from requirement_set").query(Long.class).list();
		for (Long id : ids) {
			if (!byId.containsKey(id)) {
				String canonical = db.sql("select canonical from requirement_set where id = ?").param(id).query(String.class).single();
				byId.put(id, Requirements.fromJson(canonical));
				version.incrementAndGet();
			}
		}
	}

	private record HostMatches(Map<String, String> facts, Map<String, String> labels, boolean admits, long version,
			long[] ids) {
	}
}
