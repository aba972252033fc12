/**
 * The GitHub repositories snplab serves: those of {@code snplab.repositories}, overlaid by the ones admins add or
 * override at run time through {@link org.snplab.repositories.RepositoryAdministration} ({@code /api/repositories} and
 * the dashboard), their webhook secrets and tokens stored encrypted ({@link org.snplab.secrets.SecretEncryptor}).
 * Others look a repository up by name, or list them all, through {@link org.snplab.repositories.Repositories}.
 */
package org.snplab.repositories;
