package org.snplab.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.snplab.hosts.Host;
import org.snplab.hosts.HostRegistry;

/**
 * The hosts a scheduling pass has read, kept with their row's version (PostgreSQL's {@code xmin}, which every update
 * of the row changes): a pass reads only the versions of the polling hosts, and the whole row of only those that
 * changed since, so its cost doesn't grow with the facts and labels of a large, steady fleet.
 */
final class HostVersions {

	private final HostRegistry hosts;

	private final Map<Long, Known> known = new ConcurrentHashMap<>();

	HostVersions(HostRegistry hosts) {
		this.hosts = hosts;
	}

	/** These hosts as of the given row versions: from memory when unchanged, else read again. */
	List<Host> current(Map<Long, String> versions) {
		List<Host> current = new ArrayList<>(versions.size());
		List<Long> stale = new ArrayList<>();
		versions.forEach((id, version) -> {
			Known k = known.get(id);
			if (k != null && k.version.equals(version)) {
				current.add(k.host);
			}
			else {
				stale.add(id);
			}
		});
		if (!stale.isEmpty()) {
			for (Host host : hosts.findAll(stale.stream().mapToLong(Long::longValue).toArray())) {
				// Read after the version: if it changed again meanwhile, the next pass sees a newer version.
				known.put(host.id(), new Known(versions.get(host.id()), host));
				current.add(host);
			}
		}
		if (known.size() > 2 * versions.size() + 1000) {
			known.keySet().retainAll(versions.keySet()); // hosts that stopped polling, or were removed
		}
		return current;
	}

	private record Known(String version, Host host) {
	}
}
