/**
 * Secrets kept in the database, encrypted: {@link org.snplab.secrets.SecretEncryptor} (AES-256-GCM) under the
 * server's secrets key ({@code snplab.secrets-key}, else {@code <data-dir>/secrets.key}). Repositories' webhook
 * secrets, tokens and clone-URL credentials, runs' clone-URL credentials and hosts' BMC passwords go through it.
 */
package org.snplab.secrets;
