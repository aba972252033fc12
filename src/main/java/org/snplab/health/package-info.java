/** Hosts' health checks: a job pinned to each host, on a schedule and when a host returns, that makes it good or bad. */
package org.snplab.health;
