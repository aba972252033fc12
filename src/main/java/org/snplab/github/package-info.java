/**
 * GitHub in and out: signed webhook deliveries become runs (push, pull requests with Prow-style ok-to-test
 * gating, maintainer commands in comments), jobs report commit statuses through a durable outbox, and a
 * reconciler catches webhooks that never arrived. Which repositories are served, with their secrets, is the
 * {@link org.snplab.repositories.Repositories} module's.
 */
package org.snplab.github;
