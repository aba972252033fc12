-- The rendezvous between a multi-host job's roles (snplab-send KEY VALUE, snplab-wait ROLE KEY): what each role
-- sent, scoped to its gang's attempt. A retried gang starts a new attempt and sees none of the old one's messages.
-- A key is sent once per role and attempt (the same value again is accepted; another value is refused).
create table rendezvous_message (
    run_id   bigint      not null references run (id) on delete cascade,
    gang     text        not null,
    attempt  int         not null,
    role     text        not null,
    key      text        not null check (key ~ '^[A-Za-z0-9_.-]{1,100}$'),
    value    text        not null check (octet_length(value) <= 65536),
    sent_at  timestamptz not null,
    primary key (run_id, gang, attempt, role, key)
);
