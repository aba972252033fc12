-- Values every server instance on this database shares, e.g. the SHA-256 of a generated agent registration token.
create table server_setting (
    name       text        primary key,
    value      text        not null,
    created_at timestamptz not null default now()
);
