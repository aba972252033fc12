/**
 * GitHub in and out: signed webhook deliveries become runs (push, pull requests with Prow-style ok-to-test
 * gating, maintainer commands in comments), jobs report commit statuses through a durable outbox, and a
 * reconciler catches webhooks that never arrived. Repositories are configured under {@code snplab.repositories};
 * admins add or override them at run time through {@link org.snplab.github.RepositoryAdministration}, their webhook
 * secrets and tokens stored encrypted ({@code SecretEncryptor}).
 */
package org.snplab.github;
