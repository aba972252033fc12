/** Runs and jobs in PostgreSQL: queueing a pipeline, handing jobs to matching hosts, leases, retries and cancels. */
package org.snplab.queue;
