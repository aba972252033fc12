-- GitHub in and out: webhook deliveries, where runs came from, and the commit status outbox.

-- Every delivery that reached the endpoint. Accepted ones keep their payload and are processed from this table
-- after the answer, so one accepted is never lost; a redelivery of an accepted id is a no-op.
create table github_delivery (
    id              bigserial primary key,
    delivery_id     text        not null,               -- X-GitHub-Delivery
    event           text        not null,               -- X-GitHub-Event
    repository      text,                               -- owner/name from the payload, when readable
    status          int         not null,               -- what we answered
    outcome         text        not null,               -- why, then what processing did
    payload         text,                               -- accepted deliveries only
    attempts        int         not null default 0,
    next_attempt_at timestamptz not null default now(),
    received_at     timestamptz not null default now(),
    processed_at    timestamptz
);
create unique index github_delivery_once on github_delivery (delivery_id) where payload is not null;
create index github_delivery_pending on github_delivery (next_attempt_at)
    where payload is not null and processed_at is null;

-- What a run built from a GitHub repository was for. A side table rather than columns of run: it is written in
-- the run's transaction, and its presence is what makes the run's jobs report commit statuses.
create table github_run (
    run_id          bigint primary key references run (id) on delete cascade,
    repository      text    not null,                   -- owner/name
    event           text    not null,                   -- push, pull_request, issue_comment, check_suite, reconcile
    branch          text,                               -- pushed branch, or a pull request's base branch
    tag             text,
    pull_request    int,
    author          text,
    title           text,
    head_repository text,                               -- a fork's owner/name
    head_sha        text    not null,
    approved        boolean not null default false      -- an untrusted pull request approved by a maintainer
);
create index github_run_branch on github_run (repository, branch) where pull_request is null;
create index github_run_pull on github_run (repository, pull_request) where pull_request is not null;
create index github_run_sha on github_run (repository, head_sha);

-- Heads already handled, whatever the outcome (no pipeline, not triggered), so the reconciler doesn't redo them.
create table github_head (
    repository text not null,
    sha        text not null,
    primary key (repository, sha)
);

-- Outbox of commit statuses: written in the transaction that changed the job, sent with retries afterwards.
create table github_status (
    id              bigserial primary key,
    repository      text        not null,
    sha             text        not null,
    context         text        not null,
    state           text        not null check (state in ('pending', 'success', 'failure', 'error')),
    description     text        not null,
    target_url      text,
    attempts        int         not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error      text,
    created_at      timestamptz not null default now(),
    sent_at         timestamptz,                        -- sent, or skipped because a newer status replaced it
    outcome         text
);
create index github_status_unsent on github_status (next_attempt_at) where sent_at is null;
create index github_status_context on github_status (repository, sha, context);
