package org.snplab.queue;

import java.util.Optional;

/**
 * Who a run is for, as the module that started it from outside knows it (a GitHub pull request's author or the
 * pusher): {@code hold-on-failure} reserves a failed job's host for them. Implemented by that module; the queue reads
 * none of its tables.
 */
public interface RunAuthors {

	/** Empty when the run didn't come from there, or it names nobody. */
	Optional<String> authorOf(long runId);
}
