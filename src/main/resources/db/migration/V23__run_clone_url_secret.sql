-- A run's clone URL may carry a credential (https://ci-bot:ghp_...@github.com/o/r.git). run.repository and
-- job.repository keep the URL without it (what pages, the API, filters and fair share see); the whole URL, as the
-- agents fetch with it, is kept encrypted under the server's secrets key (secrets.SecretEncryptor). Rows written
-- before this version are split at start by queue.RunCloneUrlMigration.
alter table run add column clone_url_secret text;
