-- API tokens: scripts and the ctl CLI authenticate with `Authorization: Bearer <token>` instead of a password.
-- Only the SHA-256 of a token is kept (it is 32 random bytes: no salt or slow hash needed); the token has its user's
-- role, read at each use, so a user removed or demoted takes their tokens along.
create table api_token (
    id           bigserial   primary key,
    user_name    text        not null references app_user (name) on delete cascade,
    name         text        not null check (length(name) between 1 and 100),
    token_sha256 text        not null unique,
    created_at   timestamptz not null,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
create index api_token_user on api_token (user_name);
