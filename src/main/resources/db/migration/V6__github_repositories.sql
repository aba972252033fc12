-- GitHub repositories added or overridden by admins through the API, on top of snplab.repositories in
-- application.yml. A row whose name matches a configured repository (case-insensitively) replaces that entry;
-- a row's missing secret or token falls back to the configured one.
create table github_repository (
    name               text        not null,   -- owner/name as on GitHub
    clone_url          text,                   -- null: https://github.com/<name>.git
    webhook_secret     text,
    token              text,
    protected_branches text[]      not null,
    trusted_users      text[]      not null,
    approve_label      text        not null,
    reapprove_on_push  boolean     not null,
    updated_at         timestamptz not null default now()
);
create unique index github_repository_name on github_repository (lower(name));
