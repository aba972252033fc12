-- Remote power, host history and notifications (issue #11).

-- One timeline per host: state changes, power actions, quarantine, admin actions, and whatever other modules add.
create table host_event (
    id       bigserial primary key,
    host_id  bigint      not null references host (id) on delete cascade,
    at       timestamptz not null,
    kind     text        not null,   -- e.g. power-cycle, quarantined, maintenance, went-offline
    actor    text        not null,   -- the user, or "snplab" for what the server did itself
    summary  text        not null,   -- one line: what happened
    reason   text,                   -- why, as given
    detail   text                    -- e.g. the BMC's answer
);
create index host_event_timeline on host_event (host_id, at desc, id desc);
create index host_event_kind on host_event (host_id, kind, at);

-- How to reach a host's BMC (or PDU). The password is encrypted with snplab.secrets-key, never kept in settings.
create table host_power (
    host_id    bigint primary key references host (id) on delete cascade,
    driver     text        not null check (driver in ('ipmi', 'redfish', 'command')),
    settings   jsonb       not null,
    password   text,
    updated_by text        not null,
    updated_at timestamptz not null default now()
);

-- Notifications to the admins, sent after the transaction that wrote them: retried with backoff, never lost.
-- One row per channel, so a mail server that is down never holds up (or repeats) the webhook's post.
create table notification (
    id              bigserial primary key,
    channel         text        not null check (channel in ('webhook', 'email')),
    event           text        not null,
    text            text        not null,
    fields          jsonb       not null,
    attempts        int         not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error      text,
    created_at      timestamptz not null default now(),
    sent_at         timestamptz
);
create index notification_unsent on notification (next_attempt_at) where sent_at is null;
