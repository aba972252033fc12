-- snplab's own tables: hosts, runs, jobs and their results.

create table app_user (
    name          text primary key,
    password_hash text not null,
    role          text not null check (role in ('viewer', 'maintainer', 'admin'))
);

create table host (
    id             bigserial primary key,
    name           text        not null unique,
    token_hash     text        not null unique,   -- sha-256 of the per-host credential; the credential itself is never stored
    enabled        boolean     not null default false,
    mode           text        not null default 'active' check (mode in ('active', 'draining', 'maintenance')),
    status         text        not null default 'online' check (status in ('online', 'offline')),
    slots          int         not null default 1 check (slots between 1 and 64),
    facts          jsonb       not null default '{}',
    labels         jsonb       not null default '{}',   -- labels the agent started with
    admin_labels   jsonb       not null default '{}',   -- labels added by admins; they win over the agent's
    last_seen      timestamptz not null default now(),
    created_at     timestamptz not null default now()
);

-- Distinct `requires` blocks. Jobs point at one; a host's matches are computed once per set, not per job.
create table requirement_set (
    id        bigserial primary key,
    canonical text not null unique
);

create table run (
    id           bigserial primary key,
    repository   text        not null,
    ref          text        not null,
    commit_sha   text        not null,
    trigger      text        not null default 'api',
    state        text        not null default 'queued'
                 check (state in ('waiting', 'queued', 'running', 'passed', 'failed', 'canceled', 'error')),
    error        text,
    created_at   timestamptz not null default now(),
    started_at   timestamptz,
    finished_at  timestamptz
);
create index run_recent on run (id desc);

create table job (
    id               bigserial primary key,
    run_id           bigint      not null references run (id) on delete cascade,
    name             text        not null,
    -- held: waits for a maintainer's approval (untrusted pull request) and is never claimed until then
    state            text        not null default 'queued' check (state in ('held', 'queued', 'running', 'finished')),
    result           text        check (result in ('passed', 'failed', 'timed_out', 'canceled', 'infra_error')),
    reason           text,
    exit_code        int,
    requires_id      bigint      not null references requirement_set (id),
    spec             jsonb       not null,
    priority         int         not null default 0,
    attempt          int         not null default 1,
    max_attempts     int         not null default 3,
    host_id          bigint      references host (id),
    slot             int,
    avoid_host       bigint,     -- the host that lost the previous attempt; other hosts get the retry first
    lease_until      timestamptz,
    cancel_requested boolean     not null default false,
    log_bytes        bigint      not null default 0,
    queued_at        timestamptz not null default now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    unique (run_id, name)
);
-- The claim reads the head of each requirement set's queue from this index, in dispatch order; only queued jobs
-- are in it, so its size is the queue's.
create index job_queue on job (requires_id, priority desc, id) where state = 'queued';
-- One running job per host slot: a second claim for a busy slot fails instead of double-booking.
create unique index job_slot_busy on job (host_id, slot) where state = 'running';
create index job_running_lease on job (lease_until) where state = 'running';
create index job_run on job (run_id);

-- Every finished attempt of a job, so an infra_error and its retry can be shown side by side.
create table job_attempt (
    job_id      bigint      not null references job (id) on delete cascade,
    attempt     int         not null,
    host_id     bigint      references host (id),
    result      text        not null,
    reason      text,
    exit_code   int,
    started_at  timestamptz,
    finished_at timestamptz not null default now(),
    primary key (job_id, attempt)
);

-- Log chunks as the agent sent them; (job, attempt, seq) makes a resent chunk a no-op.
create table log_chunk (
    job_id  bigint not null references job (id) on delete cascade,
    attempt int    not null,
    seq     int    not null,
    data    text   not null,
    primary key (job_id, attempt, seq)
);

create table artifact (
    id         bigserial primary key,
    job_id     bigint      not null references job (id) on delete cascade,
    attempt    int         not null,
    kind       text        not null check (kind in ('artifact', 'junit')),
    name       text        not null,
    size       bigint      not null,
    created_at timestamptz not null default now(),
    unique (job_id, attempt, kind, name)
);
